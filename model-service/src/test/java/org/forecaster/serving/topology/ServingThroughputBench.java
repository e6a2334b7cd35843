package org.forecaster.serving.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelHeader;
import org.forecaster.core.modelio.ModelWriter;
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
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 64, 12);
        ModelHeader h = new ModelHeader("bench", 1, null, spec, NormalizerSpec.DEFAULT, TestModels.STEP, null, null, 0, 1,
                Map.of(), Map.of(), Instant.parse("2024-06-01T00:00:00Z"));
        ServingMetrics metrics = new ServingMetrics(new SimpleMeterRegistry());
        ModelHolder holder = new ModelHolder(KernelsProvider.get(), metrics);
        holder.offer(ModelWriter.write(new ModelFile(h, Forecaster.initialize(spec, 1, KernelsProvider.get()).parameters())));
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

    private void measure(PointFormat format) throws Exception {
        int keys = Integer.getInteger("bench.keys", 2000), perKey = Integer.getInteger("bench.points", 100);
        int partitions = Integer.getInteger("bench.partitions", 4);
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 64, 12);
        ModelHeader h = new ModelHeader("bench", 1, null, spec, NormalizerSpec.DEFAULT, TestModels.STEP, null, null, 0, 1,
                Map.of(), Map.of(), Instant.parse("2024-06-01T00:00:00Z"));
        byte[] model = ModelWriter.write(new ModelFile(h, Forecaster.initialize(spec, 1, KernelsProvider.get()).parameters()));
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
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-" + UUID.randomUUID());
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
            props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
            // Extra client settings to try, e.g. -Dbench.streams=producer.compression.type=lz4,producer.batch.size=262144
            for (String kv : System.getProperty("bench.streams", "").split(",")) {
                if (!kv.isBlank()) {
                    props.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
            String appId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            Map<Long, Long> cpuAtStart = serviceThreadCpu(threads, appId);
            // -Dbench.batch=1 steps each point as it comes (the hop before micro-batching), in the same build and sitting.
            int batch = Integer.getInteger("bench.batch", ServingSpec.BATCH_MAX_POINTS_WHEN_ON);
            ServingSpec serving = ServingSpec.defaults().withBatch(batch, ServingSpec.DEFAULT_BATCH_MAX_WAIT);
            try (KafkaStreams streams = new KafkaStreams(ServingTopology.build(serving, holder, metrics, ServingEvents.NONE), props)) {
                streams.start();
                Properties c = new Properties();
                c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
                c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reader");
                c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
                c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
                long first = 0, last = 0;
                int read = 0;
                List<Long> lat = new ArrayList<>();
                try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(Topics.FORECASTS));
                    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                    while (read < total && System.nanoTime() < deadline) {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            long now = System.nanoTime();
                            if (read == 0) {
                                first = now;
                            }
                            last = now;
                            read++;
                        }
                    }
                }
                assertEquals(total, read);
                double seconds = (last - first) / 1e9;
                // CPU of the service's own threads (stream thread, its producer and consumer I/O threads; not the
                // broker's, not GC or JIT), summed over threads that ran since the start.
                long cpuNanos = 0;
                for (Map.Entry<Long, Long> e : serviceThreadCpu(threads, appId).entrySet()) {
                    cpuNanos += e.getValue() - cpuAtStart.getOrDefault(e.getKey(), 0L);
                }
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
            }
        }
    }

    /** CPU time (ns) by thread id of the live threads whose name carries the application id. */
    private static Map<Long, Long> serviceThreadCpu(java.lang.management.ThreadMXBean threads, String appId) {
        Map<Long, Long> out = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains(appId)) {
                long cpu = threads.getThreadCpuTime(t.getThreadId());
                if (cpu >= 0) {
                    out.put(t.getThreadId(), cpu);
                }
            }
        }
        return out;
    }
}
