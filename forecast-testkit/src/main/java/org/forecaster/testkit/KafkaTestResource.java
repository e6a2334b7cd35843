package org.forecaster.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts an {@link EmbeddedKafka} for a {@code @QuarkusTest}/{@code @QuarkusIntegrationTest} and points the
 * application at it (SmallRye Kafka and Kafka Streams). Init arg {@code topics} creates topics first:
 * {@code "telemetry.raw:2,telemetry.points:2"} (name:partitions). Tests reach the broker through
 * {@link #broker()}.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {
    private static volatile EmbeddedKafka broker;
    private String topics = "";

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
    }

    @Override
    public Map<String, String> start() {
        broker = EmbeddedKafka.start();
        if (!topics.isBlank()) {
            Map<String, Integer> partitions = new HashMap<>();
            for (String t : topics.split(",")) {
                String[] nameAndCount = t.strip().split(":");
                partitions.put(nameAndCount[0], nameAndCount.length > 1 ? Integer.parseInt(nameAndCount[1]) : 1);
            }
            broker.createTopics(partitions, Map.of());
        }
        String bootstrap = broker.bootstrapServers();
        return Map.of("kafka.bootstrap.servers", bootstrap, "quarkus.kafka-streams.bootstrap-servers", bootstrap);
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
