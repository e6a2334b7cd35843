package org.forecaster.serving.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointBinary;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.serving.TestModels;
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
            ServingItKit.createTopics(kafka, Map.of("json.points", 2, "mixed.points", 2), 2, List.of("json", "mixed"));
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
                List<ConsumerRecord<String, byte[]>> fromJson = ServingItKit.forecasts(kafka, "json", forecasts);
                List<ConsumerRecord<String, byte[]>> fromMixed = ServingItKit.forecasts(kafka, "mixed", forecasts);
                assertEquals(forecasts, fromJson.size(), "forecasts from JSON points");
                assertEquals(forecasts, fromMixed.size(), "forecasts from binary and JSON points");
                Map<String, List<byte[]>> x = ServingItKit.byKey(fromJson), y = ServingItKit.byKey(fromMixed);
                for (int k = 0; k < KEYS; k++) {
                    String key = "key-" + k;
                    ServingItKit.assertSameValues(x.getOrDefault(key, List.of()), y.getOrDefault(key, List.of()), key);
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
                assertTrue(ServingItKit.drain(kafka, "json.dlq", Duration.ofSeconds(2)).isEmpty(), "no JSON point dead-lettered");
            }
        }
    }

    private KafkaStreams streams(EmbeddedKafka kafka, String prefix) {
        ServingSpec spec = ServingItKit.spec(prefix + ".points", prefix, ServingSpec.defaults().alertRule());
        return ServingItKit.streams(kafka, tmp, prefix, spec, KernelsProvider.get(), new SimpleMeterRegistry());
    }
}
