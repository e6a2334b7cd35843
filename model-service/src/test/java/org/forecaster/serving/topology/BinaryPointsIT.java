package org.forecaster.serving.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointBinary;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.serving.TestModels;
import org.forecaster.serving.metrics.ServingMetrics;
import org.forecaster.serving.weights.ModelHolder;
import org.forecaster.testkit.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 on a real broker under exactly-once: the same points as the previous release's JSON on one topic, and on
 * another as a topic mid-upgrade holds them (binary as ingest now writes them, every fifth still JSON from before
 * the switch, plus a binary record of an unknown version and a truncated one), give the same committed forecasts,
 * byte for byte and in order per key; the two bad records are dead-lettered as malformed with their reason, and
 * nothing else is lost.
 */
class BinaryPointsIT {
    private static final int KEYS = 6, STEPS = 40;

    @TempDir
    Path tmp;

    @Test
    void shouldForecastBinaryAndOldJsonPointsAsTheJsonAlone() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Map.of("json.points", 2, "mixed.points", 2, "json.forecasts", 2, "mixed.forecasts", 2,
                    "json.anomalies", 1, "mixed.anomalies", 1, "json.dlq", 1, "mixed.dlq", 1), Map.of());
            List<ProducerRecord<String, byte[]>> json = new ArrayList<>(), mixed = new ArrayList<>();
            for (int i = 0; i < STEPS; i++) {
                for (int k = 0; k < KEYS; k++) {
                    String key = "key-" + k;
                    Point p = TestModels.point(key, i, TestModels.value(k % 4, i));
                    long ts = p.windowStart().toEpochMilli();
                    json.add(new ProducerRecord<>("json.points", null, ts, key, WireJson.write(p)));
                    byte[] value = (i + k) % 5 == 0 ? WireJson.write(p) : PointBinary.write(p);
                    mixed.add(new ProducerRecord<>("mixed.points", null, ts, key, value));
                }
            }
            byte[] unknownVersion = PointBinary.write(TestModels.point("key-0", STEPS, 1));
            unknownVersion[0] = 0x02;
            byte[] truncated = Arrays.copyOf(PointBinary.write(TestModels.point("key-1", STEPS, 1)), 30);
            mixed.add(new ProducerRecord<>("mixed.points", "key-0", unknownVersion));
            mixed.add(new ProducerRecord<>("mixed.points", "key-1", truncated));
            kafka.send(json);
            kafka.send(mixed);

            int forecasts = KEYS * STEPS;
            try (KafkaStreams a = streams(kafka, "json"); KafkaStreams b = streams(kafka, "mixed")) {
                a.start();
                b.start();
                List<ConsumerRecord<String, byte[]>> fromJson = kafka.consumeUntil("json.forecasts", l -> l.size() >= forecasts,
                        Duration.ofSeconds(120), true);
                List<ConsumerRecord<String, byte[]>> fromMixed = kafka.consumeUntil("mixed.forecasts", l -> l.size() >= forecasts,
                        Duration.ofSeconds(120), true);
                assertEquals(forecasts, fromJson.size(), "forecasts from JSON points");
                assertEquals(forecasts, fromMixed.size(), "forecasts from binary and JSON points");
                for (int k = 0; k < KEYS; k++) {
                    String key = "key-" + k;
                    List<byte[]> x = values(fromJson, key), y = values(fromMixed, key);
                    assertEquals(x.size(), y.size(), key);
                    for (int i = 0; i < x.size(); i++) {
                        assertArrayEquals(x.get(i), y.get(i), key + " #" + i);
                    }
                }
                List<ConsumerRecord<String, byte[]>> dead = kafka.consumeUntil("mixed.dlq", l -> l.size() >= 2, Duration.ofSeconds(30), true);
                assertEquals(2, dead.size(), "the two bad records, nothing else");
                assertEquals(List.of("malformed-point", "malformed-point"),
                        dead.stream().map(r -> EmbeddedKafka.header(r, Topics.DLQ_REASON)).toList());
                // The original bytes, for a redrive after the upgrade, with the reason in the message.
                ConsumerRecord<String, byte[]> unknown = dead.stream().filter(r -> Arrays.equals(unknownVersion, r.value())).findFirst().orElseThrow();
                assertEquals("unknown binary point version 0x02; this reader knows version 0x01 and JSON: upgrade the reader",
                        EmbeddedKafka.header(unknown, Topics.DLQ_MESSAGE));
                ConsumerRecord<String, byte[]> cut = dead.stream().filter(r -> Arrays.equals(truncated, r.value())).findFirst().orElseThrow();
                assertEquals("truncated binary point: 30 bytes, version 1 has at least 61", EmbeddedKafka.header(cut, Topics.DLQ_MESSAGE));
                assertTrue(kafka.consumeUntil("json.dlq", l -> false, Duration.ofSeconds(2), true).isEmpty(), "no JSON point dead-lettered");
            }
        }
    }

    private static List<byte[]> values(List<ConsumerRecord<String, byte[]>> records, String key) {
        return records.stream().filter(r -> key.equals(r.key())).map(ConsumerRecord::value).toList();
    }

    private KafkaStreams streams(EmbeddedKafka kafka, String prefix) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ServingMetrics metrics = new ServingMetrics(registry);
        ModelHolder holder = new ModelHolder(KernelsProvider.get(), metrics);
        assertTrue(holder.offer(TestModels.modelBytes(1, 7)).accepted());
        ServingSpec d = ServingSpec.defaults();
        ServingSpec spec = new ServingSpec(prefix + ".points", prefix + ".forecasts", prefix + ".anomalies", prefix + ".dlq",
                d.storeName(), d.storeType(), d.intervalLevel(), 3, d.ringCapacity(), 10, d.scorer(), d.novelty(),
                d.season(), d.alertRule(), d.stateTtl(), d.ttlScanInterval(), d.modelWait(), d.alertKinds());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve(prefix).toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        return new KafkaStreams(ServingTopology.build(spec, holder, metrics, ServingEvents.NONE), p);
    }
}
