package org.forecaster.alerts;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forwarder's settings, read once at start from Java system properties or environment variables (the
 * property name in upper case with {@code .} and {@code -} as {@code _}: {@code forecast.alerts.alertmanager-url}
 * is {@code FORECAST_ALERTS_ALERTMANAGER_URL}); a system property wins. Every key, its default and its meaning are
 * in {@link Key}, which {@code --help} and the module README list. Secrets may also come as files
 * ({@link #FILE_LOCATIONS}).
 *
 * @param alertmanagerAlerts the URL posted to: {@code <alertmanager-url>/api/v2/alerts}
 * @param severityByReason   severity label per alert reason; reasons not listed get {@code defaultSeverity}
 * @param generatorUrl       template of each alert's {@code generatorURL} ({@code {series}} is replaced by the
 *                           URL-encoded series), or null for none
 * @param httpPort           port of the health and metrics endpoint; 0 picks a free one
 * @param kafkaSecurity      Kafka client security settings that were set (Kafka's names, e.g. {@code sasl.mechanism});
 *                           empty: plaintext
 */
public record ForwarderConfig(String bootstrapServers, String topic, String groupId, URI alertmanagerAlerts, String alertname,
                              String defaultSeverity, Map<String, String> severityByReason, String generatorUrl,
                              Duration resendInterval, Duration alertLifetime, Duration retryInitial, Duration retryMax,
                              Duration requestTimeout, int httpPort, Map<String, String> kafkaSecurity) {

    /** Every setting: its property name, default (null: required) and one line for {@code --help} and the README. */
    public enum Key {
        BOOTSTRAP_SERVERS("kafka.bootstrap.servers", "localhost:9092", "Kafka bootstrap servers."),
        TOPIC("forecast.alerts.topic", "anomalies", "Topic of the alert transitions (AnomalyRecord JSON)."),
        GROUP_ID("forecast.alerts.group-id", "alert-forwarder",
                "Consumer group; its committed offsets mark the transitions Alertmanager has accepted."),
        ALERTMANAGER_URL("forecast.alerts.alertmanager-url", null,
                "Alertmanager's base URL, e.g. http://alertmanager:9093 (required); alerts go to <url>/api/v2/alerts."),
        ALERTNAME("forecast.alerts.alertname", "ForecastAnomaly", "Value of the alertname label."),
        DEFAULT_SEVERITY("forecast.alerts.default-severity", "warning", "Severity label of reasons not in severity-by-reason."),
        SEVERITY_BY_REASON("forecast.alerts.severity-by-reason", "silent=critical,level-shift=critical",
                "Severity label per alert reason, as reason=severity,... (empty: every reason gets the default)."),
        GENERATOR_URL("forecast.alerts.generator-url", "",
                "Link in each alert (generatorURL), e.g. http://forecaster/?series={series}; empty for none."),
        RESEND_INTERVAL("forecast.alerts.resend-interval", "1m", "How often open alerts are posted again (Alertmanager expects it)."),
        ALERT_LIFETIME("forecast.alerts.alert-lifetime", "4m",
                "endsAt of a firing alert is this far past each post: an alert the forwarder stops re-sending resolves then."),
        RETRY_INITIAL("forecast.alerts.retry-initial", "1s", "First wait before re-posting when Alertmanager is down or answers 5xx."),
        RETRY_MAX("forecast.alerts.retry-max", "1m", "Longest wait between re-posts (the wait doubles up to this)."),
        REQUEST_TIMEOUT("forecast.alerts.request-timeout", "10s", "Timeout of one POST to Alertmanager and of one metadata request to Kafka."),
        HTTP_PORT("forecast.alerts.http-port", "8080", "Port of /q/health/live, /q/health/ready and /q/metrics (0: a free port)."),
        SECURITY_PROTOCOL("kafka.security.protocol", "PLAINTEXT", "Kafka security protocol: PLAINTEXT, SASL_PLAINTEXT, SASL_SSL or SSL."),
        SASL_MECHANISM("kafka.sasl.mechanism", "", "SASL mechanism, e.g. SCRAM-SHA-512 (empty: Kafka's default)."),
        SASL_JAAS_CONFIG("kafka.sasl.jaas.config", "",
                "JAAS line of the Kafka user, e.g. org.apache.kafka.common.security.scram.ScramLoginModule required username=... password=...;"),
        SSL_TRUSTSTORE_TYPE("kafka.ssl.truststore.type", "", "Type of the CA truststore for TLS: PEM, PKCS12 or JKS."),
        SSL_TRUSTSTORE_CERTIFICATES("kafka.ssl.truststore.certificates", "", "The CA certificates themselves, PEM (with type PEM)."),
        SSL_TRUSTSTORE_LOCATION("kafka.ssl.truststore.location", "", "Path of the CA truststore file (instead of the certificates).");

        /** The keys passed to the Kafka client as they are, when set. */
        static final java.util.List<Key> KAFKA_SECURITY = java.util.List.of(SECURITY_PROTOCOL, SASL_MECHANISM, SASL_JAAS_CONFIG,
                SSL_TRUSTSTORE_TYPE, SSL_TRUSTSTORE_CERTIFICATES, SSL_TRUSTSTORE_LOCATION);

        public final String property;
        public final String defaultValue;
        public final String description;

        Key(String property, String defaultValue, String description) {
            this.property = property;
            this.defaultValue = defaultValue;
            this.description = description;
        }

        /** The environment variable of this key. */
        public String env() {
            return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    public ForwarderConfig {
        severityByReason = Map.copyOf(severityByReason);
        kafkaSecurity = Map.copyOf(kafkaSecurity);
    }

    /** Without the JAAS line: it holds the Kafka password. */
    @Override
    public String toString() {
        return "ForwarderConfig[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", groupId=" + groupId + ", alertmanagerAlerts="
                + alertmanagerAlerts + ", kafka security " + kafkaSecurity.getOrDefault("security.protocol", "PLAINTEXT") + "]";
    }

    /**
     * Directories whose files are settings, one per file named by the property ({@code kafka.sasl.jaas.config}): how
     * Kubernetes mounts a Secret. The same name and rule as SmallRye's file-system config source in the Quarkus services,
     * so one manifest pattern serves all four workloads.
     */
    public static final String FILE_LOCATIONS = "smallrye.config.source.file.locations";

    /**
     * Reads every key from {@code systemProperty} (by property name), else {@code env} (by variable), else a file of
     * that name in one of the {@link #FILE_LOCATIONS} (comma-separated), else its default.
     */
    public static ForwarderConfig load(Function<String, String> systemProperty, Function<String, String> env) {
        String locations = systemProperty.apply(FILE_LOCATIONS);
        if (locations == null) {
            locations = env.apply(FILE_LOCATIONS.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        List<Path> dirs = locations == null ? List.of()
                : Arrays.stream(locations.split(",")).map(String::strip).filter(d -> !d.isEmpty()).map(Path::of).toList();
        Map<Key, String> raw = new LinkedHashMap<>();
        for (Key k : Key.values()) {
            String v = systemProperty.apply(k.property);
            if (v == null) {
                v = env.apply(k.env());
            }
            if (v == null) {
                v = fromFile(dirs, k);
            }
            raw.put(k, v == null ? k.defaultValue : v.strip());
        }
        return parse(raw);
    }

    private static String fromFile(List<Path> dirs, Key k) {
        for (Path dir : dirs) {
            Path file = dir.resolve(k.property);
            if (Files.isRegularFile(file)) {
                try {
                    return Files.readString(file);
                } catch (IOException e) {
                    throw new ConfigException(k, "cannot read " + file + ": " + e.getMessage());
                }
            }
        }
        return null;
    }

    /** From the JVM's system properties and environment. */
    public static ForwarderConfig fromEnvironment() {
        return load(System::getProperty, System::getenv);
    }

    static ForwarderConfig parse(Map<Key, String> raw) {
        String url = raw.get(Key.ALERTMANAGER_URL);
        if (url == null || url.isBlank()) {
            throw new ConfigException(Key.ALERTMANAGER_URL, "is required (e.g. http://alertmanager:9093)");
        }
        Duration resend = duration(raw, Key.RESEND_INTERVAL);
        Duration lifetime = duration(raw, Key.ALERT_LIFETIME);
        if (lifetime.compareTo(resend.multipliedBy(2)) < 0) {
            // One lost or late re-send must not resolve a firing alert.
            throw new ConfigException(Key.ALERT_LIFETIME, "must be at least twice " + Key.RESEND_INTERVAL.property + " (" + resend
                    + "), got " + lifetime);
        }
        Duration retryInitial = duration(raw, Key.RETRY_INITIAL);
        Duration retryMax = duration(raw, Key.RETRY_MAX);
        if (retryMax.compareTo(retryInitial) < 0) {
            throw new ConfigException(Key.RETRY_MAX, "must not be shorter than " + Key.RETRY_INITIAL.property + " (" + retryInitial
                    + "), got " + retryMax);
        }
        return new ForwarderConfig(nonBlank(raw, Key.BOOTSTRAP_SERVERS), nonBlank(raw, Key.TOPIC), nonBlank(raw, Key.GROUP_ID),
                alertsEndpoint(url), nonBlank(raw, Key.ALERTNAME), nonBlank(raw, Key.DEFAULT_SEVERITY), severities(raw),
                generatorUrl(raw), resend, lifetime, retryInitial, retryMax, duration(raw, Key.REQUEST_TIMEOUT), port(raw),
                kafkaSecurity(raw));
    }

    private static Map<String, String> kafkaSecurity(Map<Key, String> raw) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Key k : Key.KAFKA_SECURITY) {
            String v = raw.get(k);
            if (!v.isBlank()) {
                out.put(k.property.substring("kafka.".length()), v);
            }
        }
        return out;
    }

    private static URI alertsEndpoint(String url) {
        URI base;
        try {
            base = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (URISyntaxException e) {
            throw new ConfigException(Key.ALERTMANAGER_URL, "is not a URL: '" + url + "' (" + e.getReason() + ")");
        }
        if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) {
            throw new ConfigException(Key.ALERTMANAGER_URL, "must be an http:// or https:// URL with a host, got '" + url + "'");
        }
        return URI.create(base + "/api/v2/alerts");
    }

    private static Map<String, String> severities(Map<Key, String> raw) {
        Map<String, String> out = new LinkedHashMap<>();
        String v = raw.get(Key.SEVERITY_BY_REASON);
        if (v.isBlank()) {
            return out;
        }
        for (String pair : v.split(",")) {
            String[] kv = pair.split("=", -1);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                throw new ConfigException(Key.SEVERITY_BY_REASON, "must look like silent=critical,level-shift=critical; '" + pair.strip()
                        + "' is not reason=severity");
            }
            out.put(kv[0].strip(), kv[1].strip());
        }
        return out;
    }

    private static String generatorUrl(Map<Key, String> raw) {
        String v = raw.get(Key.GENERATOR_URL);
        if (v.isBlank()) {
            return null;
        }
        try {
            URI u = new URI(v.replace("{series}", "x"));
            if (!u.isAbsolute()) {
                throw new ConfigException(Key.GENERATOR_URL, "must be an absolute URL, got '" + v + "'");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException(Key.GENERATOR_URL, "is not a URL: '" + v + "' (" + e.getReason() + ")");
        }
        return v;
    }

    private static String nonBlank(Map<Key, String> raw, Key k) {
        String v = raw.get(k);
        if (v.isBlank()) {
            throw new ConfigException(k, "must not be empty");
        }
        return v;
    }

    private static int port(Map<Key, String> raw) {
        String v = raw.get(Key.HTTP_PORT);
        try {
            int p = Integer.parseInt(v);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(Key.HTTP_PORT, "must be a port number 0..65535, got '" + v + "'");
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT30S}); positive. */
    static Duration duration(Map<Key, String> raw, Key k) {
        String v = raw.get(k);
        Duration d = null;
        Matcher m = SHORT_DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else if (v.startsWith("P") || v.startsWith("p")) {
            try {
                d = Duration.parse(v);
            } catch (DateTimeParseException e) {
                d = null;
            }
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ConfigException(k, "must be a positive duration like 500ms, 30s, 2m, 1h or PT30S, got '" + v + "'");
        }
        return d;
    }

    /** A setting that cannot be used: the message names the property, its environment variable and the problem. */
    public static final class ConfigException extends IllegalArgumentException {
        ConfigException(Key key, String problem) {
            super(key.property + " (" + key.env() + ") " + problem);
        }
    }
}
