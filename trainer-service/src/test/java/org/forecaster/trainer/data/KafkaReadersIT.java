package org.forecaster.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelHeader;
import org.forecaster.core.modelio.ModelWriter;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.WireJson;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.core.modelio.ModelAcceptance;
import org.forecaster.core.modelio.ModelVerifier;
import org.forecaster.trainer.publish.KafkaModelRegistry;
import org.forecaster.trainer.publish.ProductionModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The plain-consumer readers on a real broker: look-back by record timestamp, read_committed, weights validation. */
class KafkaReadersIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long STEP = 60_000;
    private static EmbeddedKafka kafka;
    private static TopicReader reader;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(Map.of("points", 3, "weights", 1), Map.of("weights", Map.of("cleanup.policy", "compact")));
        reader = new TopicReader(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static ProducerRecord<String, byte[]> point(String id, int step, double v, long recordTs) {
        Instant s = Instant.ofEpochMilli(step * STEP);
        return new ProducerRecord<>("points", null, recordTs, id, WireJson.write(new Point(id, s, s.plusMillis(STEP), 1, v, v, v, v)));
    }

    @Test
    void shouldReadOnlyTheLookBackAndSkipAbortedTransactions() {
        Instant now = Instant.parse("2025-06-01T00:00:00Z");
        long old = now.minus(Duration.ofDays(10)).toEpochMilli(), recent = now.minus(Duration.ofHours(1)).toEpochMilli();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            records.add(point("a", t, -1, old));          // before the look-back: must not be read
        }
        for (int t = 10; t < 20; t++) {
            records.add(point("a", t, t, recent));
            records.add(point("b", t, 100 + t, recent));
        }
        kafka.send(records);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "aborting");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> tx = new KafkaProducer<>(p)) {
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(point("a", 15, 999, recent));         // aborted: must not replace the committed value
            tx.send(point("c", 15, 999, recent));
            tx.flush();
            tx.abortTransaction();
        }

        History h = new KafkaHistorySource(reader, "points", TIMEOUT).read(now, Duration.ofDays(2), new SeriesAssembler(STEP, 10, 100, 5, 1));

        assertEquals(List.of("a", "b"), h.series().stream().map(s -> s.id()).toList());
        float[] expected = new float[10];
        for (int i = 0; i < 10; i++) {
            expected[i] = 10 + i;
        }
        assertArrayEquals(expected, h.series().getFirst().values());
        assertEquals(20, h.pointsRead());
    }

    @Test
    void shouldTakeTheLatestValidWeightsAndSkipCorruptOnes() {
        ModelSpec spec = new ModelSpec(CellType.GRU, 1, Features.COUNT, 4, 1);
        byte[] v1 = weights(spec, 1), v2 = weights(spec, 2);
        byte[] corrupt = v2.clone();
        corrupt[corrupt.length / 2] ^= 0x10;
        kafka.send(List.of(new ProducerRecord<>("weights", "global", v1), new ProducerRecord<>("weights", "global", v2),
                new ProducerRecord<>("weights", "other", weights(spec, 5)), new ProducerRecord<>("weights", "global", corrupt)));

        KafkaModelRegistry registry = new KafkaModelRegistry(reader, "weights", TIMEOUT, ModelVerifier.DISABLED, ModelAcceptance.DEFAULT);
        ProductionModel prod = registry.production("global");

        assertEquals(2L, prod.version());
        assertEquals(2, prod.highestVersion());
        assertEquals(1, prod.invalidRecords());
        assertFalse(registry.production("absent").exists());
        assertFalse(new KafkaModelRegistry(reader, "no.such.topic", TIMEOUT, ModelVerifier.DISABLED, ModelAcceptance.DEFAULT).production("global").exists());
    }

    @Test
    void shouldFailWhenTheBrokerIsUnreachable() {
        TopicReader nowhere = new TopicReader(Map.of("bootstrap.servers", "127.0.0.1:1"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> nowhere.read("points", c -> null, r -> {}, Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("points"), e.getMessage());
    }

    private static byte[] weights(ModelSpec spec, long version) {
        ModelHeader h = new ModelHeader(version == 5 ? "other" : "global", version, version > 1 ? version - 1 : null, spec,
                NormalizerSpec.DEFAULT, STEP, null, null, 0, 1, Map.of(), Map.of(), Instant.EPOCH);
        return ModelWriter.write(new ModelFile(h, Forecaster.initialize(spec, version, KernelsProvider.get()).parameters()));
    }
}
