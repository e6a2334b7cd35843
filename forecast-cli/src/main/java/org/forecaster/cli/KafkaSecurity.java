package org.forecaster.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The Kafka security settings every command's clients take, from the same variables the services read:
 * {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG},
 * {@code KAFKA_SSL_TRUSTSTORE_TYPE}, {@code KAFKA_SSL_TRUSTSTORE_CERTIFICATES}, {@code KAFKA_SSL_TRUSTSTORE_LOCATION}
 * (or the system properties {@code kafka.security.protocol}, ..., which win). None set: plaintext.
 */
public final class KafkaSecurity {
    /** Kafka's client keys; each is read from {@code kafka.<key>} or {@code KAFKA_<KEY>}. */
    static final List<String> KEYS = List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.type",
            "ssl.truststore.certificates", "ssl.truststore.location");

    private KafkaSecurity() {}

    /** Adds the settings that are set to {@code clientProperties}. */
    public static Properties applyTo(Properties clientProperties) {
        clientProperties.putAll(settings(System::getProperty, System::getenv));
        return clientProperties;
    }

    static Map<String, String> settings(Function<String, String> systemProperty, Function<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : KEYS) {
            String v = systemProperty.apply("kafka." + key);
            if (v == null) {
                v = env.apply("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'));
            }
            if (v != null && !v.isBlank()) {
                out.put(key, v.strip());
            }
        }
        return out;
    }
}
