package org.forecaster.serving.topology;

import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
import org.forecaster.core.wire.Topics;
import org.forecaster.serving.TestModels;

/**
 * The set-up the serving benches share ({@link ServingThroughputBench}, {@link MillionKeysBench}): the H = 64 model,
 * the Streams settings of the measured hop (exactly_once_v2, commit 100 ms, no record cache), a read_committed
 * reader of the forecasts, and the CPU time of the service's own threads.
 */
final class ServingBenchKit {
    /** One LSTM layer, H = 64, K = 12, no seasonal input: the model the throughput figures were measured with. */
    static final ModelSpec H64 = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 64, 12);

    private ServingBenchKit() {}

    /**
     * {@link #H64} with the trainer's default seasonal profile ({@code bins} bins over a day, issue 15), so each
     * key's state has the production size (1,450 bytes in the store at a full ring).
     */
    static ModelSpec h64WithProfile(int bins) {
        return ModelSpec.withProfile(CellType.LSTM, 1, Features.count(0, bins), 64, 12, bins, Duration.ofDays(1).toMillis());
    }

    /** A model file of {@code spec} with seeded initial weights (the speed does not depend on training). */
    static byte[] model(ModelSpec spec) {
        ModelHeader h = new ModelHeader("bench", 1, null, spec, NormalizerSpec.DEFAULT, TestModels.STEP, null, null, 0, 1,
                Map.of(), Map.of(), Instant.parse("2024-06-01T00:00:00Z"));
        return ModelWriter.write(new ModelFile(h, Forecaster.initialize(spec, 1, KernelsProvider.get()).parameters()));
    }

    /** Exactly-once v2, 100 ms commits, no record cache: the Streams settings the tests' in-JVM services share. */
    static Properties baseStreamsProps(String bootstrap, String appId, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        return props;
    }

    /**
     * The service's Streams settings for a bench run, plus any {@code -Dbench.streams=k=v,k=v} to try (e.g.
     * {@code producer.compression.type=lz4}).
     */
    static Properties streamsProps(String bootstrap, String appId, Path stateDir) {
        Properties props = baseStreamsProps(bootstrap, appId, stateDir);
        for (String kv : System.getProperty("bench.streams", "").split(",")) {
            if (!kv.isBlank()) {
                int eq = kv.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("bench.streams wants key=value pairs, got '" + kv + "'");
                }
                props.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return props;
    }

    /**
     * The service's defaults with micro-batching as shipped; {@code -Dbench.batch=1} steps each point as it comes (the
     * hop before micro-batching), to compare in the same build and sitting.
     */
    static ServingSpec servingSpec() {
        return servingSpec(Integer.getInteger("bench.batch", ServingSpec.BATCH_MAX_POINTS_WHEN_ON));
    }

    /** The service's defaults stepping up to {@code batch} points of a poll together. */
    static ServingSpec servingSpec(int batch) {
        return ServingSpec.defaults().withBatch(batch, ServingSpec.DEFAULT_BATCH_MAX_WAIT);
    }

    /** A read_committed consumer of the forecasts topic from its start, already subscribed. */
    static KafkaConsumer<String, byte[]> forecastReader(String bootstrap) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reader");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.FORECASTS));
        return consumer;
    }

    /** When the first and the last of {@code count} forecasts were read (nanoTime), and how many were. */
    record Drain(int read, long firstNanos, long lastNanos) {
        double seconds() {
            return (lastNanos - firstNanos) / 1e9;
        }
    }

    /**
     * Reads forecasts until {@code count} have come, {@code timeout} passed, or none came for a minute after the
     * first (a stalled run ends early instead of waiting out a long timeout); keeps none of them.
     */
    static Drain drain(KafkaConsumer<String, byte[]> consumer, int count, Duration timeout) {
        long first = 0, last = 0;
        int read = 0;
        long deadline = System.nanoTime() + timeout.toNanos(), idle = Duration.ofMinutes(1).toNanos();
        while (read < count && System.nanoTime() < deadline && (read == 0 || System.nanoTime() - last < idle)) {
            int n = consumer.poll(Duration.ofMillis(200)).count();
            if (n > 0) {
                long now = System.nanoTime();
                if (read == 0) {
                    first = now;
                }
                last = now;
                read += n;
            }
        }
        return new Drain(read, first, last);
    }

    /** CPU time (ns) by thread id of the live threads whose name carries the application id. */
    static Map<Long, Long> serviceThreadCpu(ThreadMXBean threads, String appId) {
        Map<Long, Long> out = new HashMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains(appId)) {
                long cpu = threads.getThreadCpuTime(t.getThreadId());
                if (cpu >= 0) {
                    out.put(t.getThreadId(), cpu);
                }
            }
        }
        return out;
    }

    /**
     * CPU (ns) the service's own threads (stream thread, its producer and consumer I/O threads; not the broker's,
     * not GC or JIT) spent since {@code atStart}, summed over threads that ran since then.
     */
    static long serviceCpuSince(ThreadMXBean threads, String appId, Map<Long, Long> atStart) {
        long cpuNanos = 0;
        for (Map.Entry<Long, Long> e : serviceThreadCpu(threads, appId).entrySet()) {
            cpuNanos += e.getValue() - atStart.getOrDefault(e.getKey(), 0L);
        }
        return cpuNanos;
    }
}
