package org.forecaster.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts an {@link EmbeddedKafka} for a {@code @QuarkusTest}/{@code @QuarkusIntegrationTest} and points the
 * application at it (SmallRye Kafka and Kafka Streams). Init arg {@code topics} creates topics first:
 * {@code "telemetry.raw:2,telemetry.points:2"} (name:partitions). Init arg {@code kafka-user} (a user of
 * {@link KafkaAcls}, e.g. {@code trainer-service}) starts a secure broker instead and runs the application as that
 * user, with the production ACLs. Tests reach the broker through {@link #broker()}.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {
    private static volatile EmbeddedKafka broker;
    private String topics = "";
    private String kafkaUser = "";
    private Path secretFiles;

    /** The running broker of the current test resource. */
    public static EmbeddedKafka broker() {
        EmbeddedKafka b = broker;
        if (b == null) {
            throw new IllegalStateException("KafkaTestResource has not started a broker");
        }
        return b;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        topics = initArgs.getOrDefault("topics", "");
        kafkaUser = initArgs.getOrDefault("kafka-user", "");
    }

    @Override
    public Map<String, String> start() {
        broker = kafkaUser.isBlank() ? EmbeddedKafka.start() : EmbeddedKafka.startSecure();
        if (!topics.isBlank()) {
            Map<String, Integer> partitions = new HashMap<>();
            for (String t : topics.split(",")) {
                String[] nameAndCount = t.strip().split(":");
                partitions.put(nameAndCount[0], nameAndCount.length > 1 ? Integer.parseInt(nameAndCount[1]) : 1);
            }
            broker.createTopics(partitions, Map.of());
        }
        String bootstrap = broker.bootstrapServers();
        Map<String, String> config = new HashMap<>(Map.of("kafka.bootstrap.servers", bootstrap, "quarkus.kafka-streams.bootstrap-servers", bootstrap));
        if (!kafkaUser.isBlank()) {
            // The services map kafka.* to Kafka Streams' settings themselves (application.properties), as in production,
            // and read the secrets from mounted files as on Kubernetes: the JAAS line (password) and the CA certificate.
            Map<String, Object> client = new HashMap<>(broker.clientConfig(kafkaUser));
            Path secrets = secretFiles = mountSecretsAsFiles(kafkaUser, (String) client.remove("sasl.jaas.config"),
                    (String) client.remove("ssl.truststore.certificates"));
            client.forEach((k, v) -> config.put("kafka." + k, String.valueOf(v)));
            config.put("smallrye.config.source.file.locations", secrets.resolve("kafka-user").toString());
            config.put("kafka.ssl.truststore.location", secrets.resolve("kafka-ca").resolve("ca.crt").toString());
        }
        return config;
    }

    /**
     * Writes a service user's secrets the way the Kubernetes manifests mount them (deploy/k8s/base): the KafkaUser
     * Secret's {@code sasl.jaas.config} as the file {@code kafka-user/kafka.sasl.jaas.config} (one property per file,
     * read by SmallRye's file-system config source) and the cluster CA as {@code kafka-ca/ca.crt}. Nothing of them is
     * passed as a config value, so a service that ignored the files could not reach the broker.
     */
    private static Path mountSecretsAsFiles(String user, String jaasConfig, String caPem) {
        try {
            Path dir = Files.createTempDirectory("kafka-secrets-" + user);
            Path userDir = Files.createDirectories(dir.resolve("kafka-user"));
            Files.writeString(userDir.resolve("kafka.sasl.jaas.config"), jaasConfig);
            Files.writeString(Files.createDirectories(dir.resolve("kafka-ca")).resolve("ca.crt"), caPem);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Kafka user's secrets for " + user, e);
        }
    }

    @Override
    public void stop() {
        EmbeddedKafka b = broker;
        broker = null;
        if (b != null) {
            b.close();
        }
        if (secretFiles != null) {
            try (var files = Files.walk(secretFiles)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temp directory left behind harms nothing
            }
        }
    }
}
