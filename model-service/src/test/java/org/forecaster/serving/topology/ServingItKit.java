package org.forecaster.serving.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.serving.TestModels;
import org.forecaster.serving.metrics.ServingMetrics;
import org.forecaster.serving.weights.ModelHolder;
import org.forecaster.testkit.EmbeddedKafka;

/**
 * The set-up the topology's comparison ITs share ({@link BinaryPointsIT}, {@link MicroBatchIT}): several in-JVM
 * services on one {@link EmbeddedKafka}, each writing to its own {@code <prefix>.forecasts}, {@code .anomalies} and
 * {@code .dlq}, with the test model, exactly-once and 50 ms commits; reading a run's committed outputs; comparing
 * two runs' records byte for byte and in order per key.
 */
final class ServingItKit {
    /** How long a run may take to commit all its forecasts. */
    static final Duration FORECASTS_WAIT = Duration.ofSeconds(120);

    private ServingItKit() {}

    /**
     * Creates the {@code inputs} topics and each prefix's output topics: forecasts with {@code forecastPartitions}
     * partitions, anomalies and dead letters with one.
     */
    static void createTopics(EmbeddedKafka kafka, Map<String, Integer> inputs, int forecastPartitions, List<String> prefixes) {
        Map<String, Integer> topics = new LinkedHashMap<>(inputs);
        for (String prefix : prefixes) {
            topics.put(prefix + ".forecasts", forecastPartitions);
            topics.put(prefix + ".anomalies", 1);
            topics.put(prefix + ".dlq", 1);
        }
        kafka.createTopics(topics, Map.of());
    }

    /**
     * The service's defaults reading {@code pointsTopic} and writing to {@code prefix}'s topics, with gaps of up to 3
     * steps bridged, 10 cold steps and {@code alertRule}; batching as the defaults (off) unless the caller adds it.
     */
    static ServingSpec spec(String pointsTopic, String prefix, AlertRule alertRule) {
        ServingSpec d = ServingSpec.defaults();
        return new ServingSpec(pointsTopic, prefix + ".forecasts", prefix + ".anomalies", prefix + ".dlq",
                d.storeName(), d.storeType(), d.intervalLevel(), 3, d.ringCapacity(), 10, d.scorer(), d.novelty(),
                d.season(), alertRule, d.stateTtl(), d.ttlScanInterval(), d.modelWait(), d.alertKinds());
    }

    /**
     * A not yet started service running {@code spec} as application {@code appId} (state under
     * {@code stateRoot/appId}) with the test model on {@code kernels}: exactly-once v2, 50 ms commits, no record cache.
     */
    static KafkaStreams streams(EmbeddedKafka kafka, Path stateRoot, String appId, ServingSpec spec, Kernels kernels,
                                MeterRegistry registry) {
        ServingMetrics metrics = new ServingMetrics(registry);
        ModelHolder holder = new ModelHolder(kernels, metrics);
        assertTrue(holder.offer(TestModels.modelBytes(1, 7)).accepted());
        Properties p = ServingBenchKit.baseStreamsProps(kafka.bootstrapServers(), appId, stateRoot.resolve(appId));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
        return new KafkaStreams(ServingTopology.build(spec, holder, metrics, ServingEvents.NONE), p);
    }

    /** The committed forecasts of {@code prefix}'s run, read until {@code count} came or {@link #FORECASTS_WAIT} passed. */
    static List<ConsumerRecord<String, byte[]>> forecasts(EmbeddedKafka kafka, String prefix, int count) {
        return kafka.consumeUntil(prefix + ".forecasts", l -> l.size() >= count, FORECASTS_WAIT, true);
    }

    /** Every committed record of {@code topic} that came within {@code wait}. */
    static List<ConsumerRecord<String, byte[]>> drain(EmbeddedKafka kafka, String topic, Duration wait) {
        return kafka.consumeUntil(topic, l -> false, wait, true);
    }

    /** The values of the records by key, in their order. */
    static Map<String, List<byte[]>> byKey(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, List<byte[]>> m = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            m.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
        }
        return m;
    }

    /** The same keys, and per key the same values byte for byte in the same order. */
    static void assertSameByKey(List<ConsumerRecord<String, byte[]>> a, List<ConsumerRecord<String, byte[]>> b, String what) {
        Map<String, List<byte[]>> x = byKey(a), y = byKey(b);
        assertEquals(x.keySet(), y.keySet(), what + " keys");
        for (String key : x.keySet()) {
            assertSameValues(x.get(key), y.get(key), what + " of " + key);
        }
    }

    /** The same number of values, equal byte for byte in order; {@code what} names them in the messages. */
    static void assertSameValues(List<byte[]> x, List<byte[]> y, String what) {
        assertEquals(x.size(), y.size(), what);
        for (int i = 0; i < x.size(); i++) {
            assertArrayEquals(x.get(i), y.get(i), what + " #" + i);
        }
    }
}
