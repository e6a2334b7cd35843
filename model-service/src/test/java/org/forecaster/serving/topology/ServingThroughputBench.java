package org.forecaster.serving.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.StoredState;
import org.forecaster.core.wire.Topics;
import org.forecaster.serving.TestModels;
import org.forecaster.serving.weights.ModelHolder;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointBinary;
import org.forecaster.core.wire.PointFormat;
import org.forecaster.core.wire.WireJson;
import org.forecaster.testkit.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.forecaster.serving.metrics.ServingMetrics;

/**
 * Not part of the test run (the name does not match surefire's patterns). Measures the drain rate of the
 * forecasting topology on a real in-process broker with exactly_once_v2, an in-memory changelogged store and a
 * one-layer LSTM at H = 64, K = 12: all points are produced first, then the stream starts, and the rate is
 * committed forecasts per second between the first and the last one read (read_committed). Run:
 * {@code ./mvnw -o -pl model-service test -Dtest=ServingThroughputBench -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbench.keys=2000 -Dbench.points=100}.
 */
class ServingThroughputBench {
    /**
     * The form of the points produced, {@code -Dbench.format=binary} (default, as ingest writes them since issue 18)
     * or {@code json} (the earlier releases' form), to compare the two in one sitting.
     */
    private static final PointFormat FORMAT = PointFormat.valueOf(System.getProperty("bench.format", "binary").toUpperCase(java.util.Locale.ROOT));

    private static byte[] point(String key, int i, double value) {
        return point(FORMAT, key, i, value);
    }

    private static byte[] point(PointFormat format, String key, int i, double value) {
        Point p = TestModels.point(key, i, value);
        return format == PointFormat.BINARY ? PointBinary.write(p) : WireJson.write(p);
    }

    /** The processor alone (TopologyTestDriver, no broker): what one core spends per point in our code. */
    @Test
    void measureWithoutBroker() {
        int keys = Integer.getInteger("bench.keys", 2000), perKey = Integer.getInteger("bench.points", 100);
        ServingMetrics metrics = new ServingMetrics(new SimpleMeterRegistry());
        ModelHolder holder = new ModelHolder(KernelsProvider.get(), metrics);
        holder.offer(ServingBenchKit.model(ServingBenchKit.H64));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        List<byte[]> payloads = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < perKey; i++) {
            for (int k = 0; k < keys; k++) {
                ids.add("series-" + k);
                payloads.add(point("series-" + k, i, TestModels.value(k % 4, i)));
            }
        }
        try (org.apache.kafka.streams.TopologyTestDriver d = new org.apache.kafka.streams.TopologyTestDriver(
                ServingTopology.build(ServingSpec.defaults(), holder, metrics, ServingEvents.NONE), p)) {
            var in = d.createInputTopic(Topics.POINTS, new org.apache.kafka.common.serialization.StringSerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer());
            var out = d.createOutputTopic(Topics.FORECASTS, new StringDeserializer(), new ByteArrayDeserializer());
            for (int round = 0; round < 2; round++) { // the first round warms the JIT up
                long t0 = System.nanoTime();
                int base = round * perKey;
                for (int j = 0; j < ids.size(); j++) {
                    in.pipeInput(ids.get(j), round == 0 ? payloads.get(j)
                            : point(ids.get(j), base + j / keys, 1.0 + j % 7));
                    if (j % 10_000 == 0) {
                        out.readValuesToList();
                    }
                }
                out.readValuesToList();
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("bench: TopologyTestDriver round %d: %d points in %.2f s = %.0f points/s%n", round, ids.size(), s, ids.size() / s);
            }
        }
    }

    @Test
    void measure() throws Exception {
        measure(FORMAT);
    }

    /**
     * JSON and binary points alternately, {@code -Dbench.rounds} times each (default 2), in one JVM and sitting, so
     * their ratio is not the machine's drift between runs (issue 18); the first round is the JIT's warm-up.
     */
    @Test
    void measureFormats() throws Exception {
        for (int r = 0; r < Integer.getInteger("bench.rounds", 2); r++) {
            // Each form goes first every other round: a later run in the JVM finds the JIT warmer.
            PointFormat first = r % 2 == 0 ? PointFormat.JSON : PointFormat.BINARY;
            measure(first);
            measure(first == PointFormat.JSON ? PointFormat.BINARY : PointFormat.JSON);
        }
    }

    /**
     * Batch 1 and {@code -Dbench.batch} (default {@value ServingSpec#BATCH_MAX_POINTS_WHEN_ON}) alternately,
     * {@code -Dbench.rounds} times each (default 3), in one JVM, the order swapped every round. {@link #measure()} runs
     * in a fresh JVM, so its 200,000 points include the JIT's warm-up (the first run of {@link #measureFormats()} costs
     * up to twice the CPU of the later ones); here the later rounds compare the two paths warm.
     */
    @Test
    void measureBatches() throws Exception {
        int other = Integer.getInteger("bench.batch", ServingSpec.BATCH_MAX_POINTS_WHEN_ON);
        for (int r = 0; r < Integer.getInteger("bench.rounds", 3); r++) {
            int first = r % 2 == 0 ? 1 : other;
            measure(FORMAT, ServingBenchKit.servingSpec(first));
            measure(FORMAT, ServingBenchKit.servingSpec(first == 1 ? other : 1));
        }
    }

    private void measure(PointFormat format) throws Exception {
        measure(format, ServingBenchKit.servingSpec());
    }

    private void measure(PointFormat format, ServingSpec serving) throws Exception {
        int keys = Integer.getInteger("bench.keys", 2000), perKey = Integer.getInteger("bench.points", 100);
        int partitions = Integer.getInteger("bench.partitions", 4);
        ModelSpec spec = ServingBenchKit.H64;
        byte[] model = ServingBenchKit.model(spec);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Map.of(Topics.POINTS, partitions, Topics.FORECASTS, partitions, Topics.ANOMALIES, 1, Topics.DLQ, 1), Map.of());
            long t0 = System.nanoTime();
            try (KafkaProducer<String, byte[]> p = kafka.producer()) {
                for (int i = 0; i < perKey; i++) {
                    for (int k = 0; k < keys; k++) {
                        String key = "series-" + k;
                        p.send(new ProducerRecord<>(Topics.POINTS, key, point(format, key, i, TestModels.value(k % 4, i))));
                    }
                }
            }
            int total = keys * perKey;
            System.out.printf("bench: produced %d points in %.1f s%n", total, (System.nanoTime() - t0) / 1e9);

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ServingMetrics metrics = new ServingMetrics(registry);
            ModelHolder holder = new ModelHolder(KernelsProvider.get(), metrics);
            holder.offer(model);
            Path state = Files.createTempDirectory("bench-state");
            Properties props = ServingBenchKit.streamsProps(kafka.bootstrapServers(), "bench-" + UUID.randomUUID(), state);
            String appId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            Map<Long, Long> cpuAtStart = ServingBenchKit.serviceThreadCpu(threads, appId);
            int batch = serving.batchMaxPoints();
            try (KafkaStreams streams = new KafkaStreams(ServingTopology.build(serving, holder, metrics, ServingEvents.NONE), props)) {
                streams.start();
                ServingBenchKit.Drain drain;
                try (KafkaConsumer<String, byte[]> consumer = ServingBenchKit.forecastReader(kafka.bootstrapServers())) {
                    drain = ServingBenchKit.drain(consumer, total, Duration.ofMinutes(5));
                }
                int read = drain.read();
                assertEquals(total, read);
                double seconds = drain.seconds();
                long cpuNanos = ServingBenchKit.serviceCpuSince(threads, appId, cpuAtStart);
                System.out.printf("bench: service threads CPU %.2f s = %.0f points per service CPU-second%n", cpuNanos / 1e9,
                        total / (cpuNanos / 1e9));
                Timer step = registry.get("forecast.step").timer();
                double p50 = 0, p99 = 0;
                for (ValueAtPercentile v : step.takeSnapshot().percentileValues()) {
                    if (v.percentile() == 0.5) p50 = v.value(java.util.concurrent.TimeUnit.MICROSECONDS);
                    if (v.percentile() == 0.99) p99 = v.value(java.util.concurrent.TimeUnit.MICROSECONDS);
                }
                KeyState s = new KeyState(spec.stateSize(), 48);
                for (int i = 0; i < 48; i++) s.remember(i);
                System.out.printf("bench: " + format + " points, batch %d, %d keys x %d points, %d partitions, EOS v2: %d forecasts in %.2f s = %.0f points/s;"
                        + " processor step p50 %.1f us, p99 %.1f us (mean %.1f us); stored state %d bytes/key (H=64, ring 48)%n",
                        batch, keys, perKey, partitions, read, seconds, read / seconds, p50, p99, step.mean(java.util.concurrent.TimeUnit.MICROSECONDS),
                        StoredState.encode(s, 0).length);
                if (batch > 1) {
                    var width = registry.get("forecast.batch.stepped").summary();
                    var flush = registry.get("forecast.batch.points").summary();
                    System.out.printf("bench: batch %d: %.1f points per flush, %.1f keys per batched step call (max %.0f)%n",
                            batch, flush.mean(), width.mean(), width.max());
                }
            }
        }
    }
}
