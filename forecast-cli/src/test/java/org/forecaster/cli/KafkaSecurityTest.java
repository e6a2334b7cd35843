package org.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSecurityTest {
    @Test
    void readsTheServicesVariablesAndLetsSystemPropertiesWin() {
        Map<String, String> env = Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", "jaas-line", "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM", "KAFKA_SSL_TRUSTSTORE_CERTIFICATES", " ");
        Map<String, String> props = Map.of("kafka.sasl.mechanism", "SCRAM-SHA-256");
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-256", "sasl.jaas.config", "jaas-line",
                "ssl.truststore.type", "PEM"), KafkaSecurity.settings(props::get, env::get), "blank values are not set");
    }

    @Test
    void setsNothingWhenNothingIsConfigured() {
        assertEquals(Map.of(), KafkaSecurity.settings(k -> null, k -> null), "plaintext, as bin/run-local's broker");
    }
}
