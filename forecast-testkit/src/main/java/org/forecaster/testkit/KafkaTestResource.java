package org.forecaster.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
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
            // The services map kafka.* to Kafka Streams' settings themselves (application.properties), as in production.
            broker.clientConfig(kafkaUser).forEach((k, v) -> config.put("kafka." + k, String.valueOf(v)));
        }
        return config;
    }

    @Override
    public void stop() {
        EmbeddedKafka b = broker;
        broker = null;
        if (b != null) {
            b.close();
        }
    }
}
