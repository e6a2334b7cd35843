package org.forecaster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.forecaster.core.wire.Topics;
import org.forecaster.faults.harness.BrokerCluster;

/** What the cluster test checks about the topics before it takes a broker away. */
final class ClusterChecks {
    private ClusterChecks() {}

    /**
     * Every topic of the pipeline, the ones the services' Kafka Streams created (changelogs, repartitions) included, has
     * three replicas and {@code min.insync.replicas=2}: otherwise losing one broker could lose or block data, and the
     * tests would pass only by luck of placement.
     */
    static void assertServicesTopicsReplicated(BrokerCluster cluster) {
        List<String> topics = new ArrayList<>(List.of(Topics.RAW, Topics.POINTS, Topics.FORECASTS, Topics.ANOMALIES,
                Topics.DLQ, Topics.WEIGHTS));
        List<String> internal = new ArrayList<>(cluster.topicsStartingWith("model-service-"));
        internal.addAll(cluster.topicsStartingWith("ingest-service-"));
        assertFalse(internal.isEmpty(), "the services' internal topics exist");
        topics.addAll(internal);
        Map<String, String> expected = new TreeMap<>(), actual = new TreeMap<>();
        for (String t : topics) {
            expected.put(t, "replicas=3 min.insync.replicas=2");
            actual.put(t, cluster.replication(t));
        }
        assertEquals(expected, actual);
    }
}
