package org.forecaster.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.forecaster.alerts.ForwarderConfig.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwarderConfigTest {
    private static ForwarderConfig load(Map<String, String> sysProps, Map<String, String> env) {
        return ForwarderConfig.load(sysProps::get, env::get);
    }

    private static String problem(Map<String, String> env) {
        Map<String, String> withUrl = new HashMap<>(Map.of("FORECAST_ALERTS_ALERTMANAGER_URL", "http://am:9093"));
        withUrl.putAll(env);
        return assertThrows(ConfigException.class, () -> load(Map.of(), withUrl)).getMessage();
    }

    @Test
    void shouldUseTheDefaultsWhenOnlyTheAlertmanagerUrlIsGiven() {
        ForwarderConfig c = load(Map.of(), Map.of("FORECAST_ALERTS_ALERTMANAGER_URL", "http://alertmanager:9093/"));
        assertEquals(URI.create("http://alertmanager:9093/api/v2/alerts"), c.alertmanagerAlerts());
        assertEquals("localhost:9092", c.bootstrapServers());
        assertEquals("anomalies", c.topic());
        assertEquals("alert-forwarder", c.groupId());
        assertEquals("ForecastAnomaly", c.alertname());
        assertEquals("warning", c.defaultSeverity());
        assertEquals(Map.of("silent", "critical", "level-shift", "critical"), c.severityByReason());
        assertNull(c.generatorUrl());
        assertEquals(Duration.ofMinutes(1), c.resendInterval());
        assertEquals(Duration.ofMinutes(4), c.alertLifetime());
        assertEquals(Duration.ofSeconds(1), c.retryInitial());
        assertEquals(Duration.ofMinutes(1), c.retryMax());
        assertEquals(8080, c.httpPort());
    }

    @Test
    void shouldPassKafkaSecuritySettingsThatAreSetAndKeepThePasswordOutOfToString() {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alert-forwarder\" password=\"s3cret\";";
        ForwarderConfig c = load(Map.of(), Map.of("FORECAST_ALERTS_ALERTMANAGER_URL", "http://am:9093", "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "KAFKA_SASL_JAAS_CONFIG", jaas, "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM"));
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", jaas,
                "ssl.truststore.type", "PEM"), c.kafkaSecurity());
        assertFalse(c.toString().contains("s3cret"), c.toString());
        assertEquals(Map.of("security.protocol", "PLAINTEXT"),
                load(Map.of(), Map.of("FORECAST_ALERTS_ALERTMANAGER_URL", "http://am:9093")).kafkaSecurity(), "plaintext by default");
    }

    @Test
    void shouldReadSecretsMountedAsFilesBelowSystemPropertiesAndEnvironment(@TempDir Path dir) throws Exception {
        // As Kubernetes mounts the KafkaUser's Secret: the key sasl.jaas.config as the file kafka.sasl.jaas.config.
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alert-forwarder\" password=\"f1le\";";
        Files.writeString(dir.resolve("kafka.sasl.jaas.config"), jaas);
        Map<String, String> env = Map.of("FORECAST_ALERTS_ALERTMANAGER_URL", "http://am:9093", "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SMALLRYE_CONFIG_SOURCE_FILE_LOCATIONS", dir.getParent() + "/no-such-dir," + dir);
        assertEquals(jaas, load(Map.of(), env).kafkaSecurity().get("sasl.jaas.config"));
        Map<String, String> envWins = new HashMap<>(env);
        envWins.put("KAFKA_SASL_JAAS_CONFIG", "from-env");
        assertEquals("from-env", load(Map.of(), envWins).kafkaSecurity().get("sasl.jaas.config"));
        assertEquals(jaas, load(Map.of(ForwarderConfig.FILE_LOCATIONS, dir.toString()), Map.of("FORECAST_ALERTS_ALERTMANAGER_URL", "http://am"))
                .kafkaSecurity().get("sasl.jaas.config"), "the locations as a system property");
        assertEquals(Map.of("security.protocol", "SASL_SSL"),
                load(Map.of(), Map.of("FORECAST_ALERTS_ALERTMANAGER_URL", "http://am:9093", "KAFKA_SECURITY_PROTOCOL", "SASL_SSL")).kafkaSecurity(),
                "no file locations: no file is read");
    }

    @Test
    void shouldPreferSystemPropertiesOverEnvironmentVariables() {
        ForwarderConfig c = load(Map.of("forecast.alerts.resend-interval", "PT30S", "kafka.bootstrap.servers", "k:1"),
                Map.of("FORECAST_ALERTS_ALERTMANAGER_URL", "https://am", "FORECAST_ALERTS_RESEND_INTERVAL", "5m",
                        "KAFKA_BOOTSTRAP_SERVERS", "other:2", "FORECAST_ALERTS_SEVERITY_BY_REASON", "", "FORECAST_ALERTS_HTTP_PORT", "0"));
        assertEquals(Duration.ofSeconds(30), c.resendInterval());
        assertEquals("k:1", c.bootstrapServers());
        assertEquals(Map.of(), c.severityByReason());
        assertEquals(0, c.httpPort());
    }

    @Test
    void shouldNameTheSettingAndItsVariableInEveryProblem() {
        assertEquals("forecast.alerts.alertmanager-url (FORECAST_ALERTS_ALERTMANAGER_URL) is required (e.g. http://alertmanager:9093)",
                assertThrows(ConfigException.class, () -> load(Map.of(), Map.of())).getMessage());
        assertEquals("forecast.alerts.alertmanager-url (FORECAST_ALERTS_ALERTMANAGER_URL) must be an http:// or https:// URL with a host,"
                + " got 'alertmanager:9093'", problem(Map.of("FORECAST_ALERTS_ALERTMANAGER_URL", "alertmanager:9093")));
        assertEquals("forecast.alerts.resend-interval (FORECAST_ALERTS_RESEND_INTERVAL) must be a positive duration like 500ms, 30s, 2m,"
                + " 1h or PT30S, got '1 minute'", problem(Map.of("FORECAST_ALERTS_RESEND_INTERVAL", "1 minute")));
        assertEquals("forecast.alerts.alert-lifetime (FORECAST_ALERTS_ALERT_LIFETIME) must be at least twice"
                + " forecast.alerts.resend-interval (PT1M), got PT1M30S", problem(Map.of("FORECAST_ALERTS_ALERT_LIFETIME", "90s")));
        assertEquals("forecast.alerts.severity-by-reason (FORECAST_ALERTS_SEVERITY_BY_REASON) must look like"
                + " silent=critical,level-shift=critical; 'spike' is not reason=severity",
                problem(Map.of("FORECAST_ALERTS_SEVERITY_BY_REASON", "silent=critical, spike")));
        assertEquals("forecast.alerts.http-port (FORECAST_ALERTS_HTTP_PORT) must be a port number 0..65535, got '70000'",
                problem(Map.of("FORECAST_ALERTS_HTTP_PORT", "70000")));
        assertEquals("forecast.alerts.retry-max (FORECAST_ALERTS_RETRY_MAX) must not be shorter than forecast.alerts.retry-initial"
                + " (PT10S), got PT5S", problem(Map.of("FORECAST_ALERTS_RETRY_INITIAL", "10s", "FORECAST_ALERTS_RETRY_MAX", "5s")));
        assertEquals("forecast.alerts.topic (FORECAST_ALERTS_TOPIC) must not be empty", problem(Map.of("FORECAST_ALERTS_TOPIC", " ")));
        assertEquals("forecast.alerts.generator-url (FORECAST_ALERTS_GENERATOR_URL) must be an absolute URL, got '/dash?s={series}'",
                problem(Map.of("FORECAST_ALERTS_GENERATOR_URL", "/dash?s={series}")));
    }
}
