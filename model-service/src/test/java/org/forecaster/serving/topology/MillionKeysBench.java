package org.forecaster.serving.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.StoredState;
import org.forecaster.core.wire.PointBinary;
import org.forecaster.core.wire.Topics;
import org.forecaster.serving.TestModels;
import org.forecaster.serving.metrics.ServingMetrics;
import org.forecaster.serving.weights.ModelHolder;
import org.forecaster.testkit.EmbeddedKafka;
import org.junit.jupiter.api.Test;

/**
 * Not part of the test run (the name does not match surefire's patterns). One model-service instance holding
 * {@code -Dbench.keys} keys (default 1,000,000; issue 21's simulation behind docs/scaling.md): the real topology on an
 * in-process broker, exactly_once_v2, the in-memory changelogged store, H = 64 with the trainer's default 144-bin daily
 * profile ({@code -Dbench.profile-bins=0}: without, as {@link ServingThroughputBench}). It
 * <ol>
 *   <li>warms every key with {@code -Dbench.warm-points} points (default 3; the ring fills at 48, see the report);</li>
 *   <li>measures the live heap after a full GC with the store empty and full: bytes per key;</li>
 *   <li>measures the steady rate over one more point for every key (points/s and per service CPU-second);</li>
 *   <li>reads the changelog's size on the broker (log dir bytes, records): bytes per key;</li>
 *   <li>closes the app, wipes its state dir, starts it again and times RUNNING, the end of the restore and the first
 *       forecast of a new point.</li>
 * </ol>
 * Run with the service's producer, commit and session settings (application.properties); the default heap (a quarter
 * of 24 GB) holds the ~1.3 GB live at 1M keys:
 * {@code flock /tmp/maven.lock ./mvnw -o -pl model-service -am test -Dtest=MillionKeysBench
 * -Dsurefire.failIfNoSpecifiedTests=false -Dbench.keys=1000000 -Dbench.warm-points=3
 * -Dbench.streams=producer.compression.type=lz4,producer.batch.size=262144,producer.linger.ms=20,commit.interval.ms=50,consumer.session.timeout.ms=6000,consumer.heartbeat.interval.ms=2000}.
 */
class MillionKeysBench {
    private static final String KEY_STATE = ServingSpec.defaults().storeName();

    @Test
    void holdMillionKeys() throws Exception {
        int keys = Integer.getInteger("bench.keys", 1_000_000);
        int warmPoints = Integer.getInteger("bench.warm-points", 3);
        int partitions = Integer.getInteger("bench.partitions", 4);
        int bins = Integer.getInteger("bench.profile-bins", 144);
        assertTrue(keys > 0 && warmPoints > 0 && partitions > 0, "keys, warm points and partitions must be positive");
        ModelSpec spec = bins > 0 ? ServingBenchKit.h64WithProfile(bins) : ServingBenchKit.H64;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        report("%d keys, %d warm points each, %d partitions, %s, max heap %d MiB, load average %.2f", keys, warmPoints,
                partitions, spec, Runtime.getRuntime().maxMemory() >> 20, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        Path state = Files.createTempDirectory("million-state");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
                KafkaProducer<String, byte[]> producer = kafka.producer();
                KafkaConsumer<String, byte[]> forecasts = ServingBenchKit.forecastReader(kafka.bootstrapServers())) {
            kafka.createTopics(Map.of(Topics.POINTS, partitions, Topics.FORECASTS, partitions, Topics.ANOMALIES, 1, Topics.DLQ, 1), Map.of());
            String appId = "million-" + UUID.randomUUID();
            String changelog = appId + "-" + KEY_STATE + "-changelog";
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ServingMetrics metrics = new ServingMetrics(registry);
            ModelHolder holder = new ModelHolder(KernelsProvider.get(), metrics);
            ModelHolder.Verdict verdict = holder.offer(ServingBenchKit.model(spec));
            assertTrue(verdict.accepted(), "the bench model was rejected: " + verdict.message());

            KafkaStreams streams = start(kafka.bootstrapServers(), holder, metrics, appId, state, null);
            assertTrue(awaitRunning(streams, Duration.ofMinutes(2)), "streams did not reach RUNNING");
            long heapEmpty = liveHeap(memory);
            report("live heap with the store empty: %.1f MiB", heapEmpty / 1048576.0);

            // 1. warm: every key its first points, key by key within a round (a round: one point per key)
            long t0 = System.nanoTime();
            Map<Long, Long> cpuAtWarm = ServingBenchKit.serviceThreadCpu(threads, appId);
            for (int i = 0; i < warmPoints; i++) {
                sendRound(producer, keys, i);
            }
            producer.flush();
            report("produced %d warm points in %.1f s", (long) keys * warmPoints, (System.nanoTime() - t0) / 1e9);
            ServingBenchKit.Drain warm = ServingBenchKit.drain(forecasts, keys * warmPoints, Duration.ofMinutes(60));
            assertEquals(keys * warmPoints, warm.read(), "forecasts of the warm-up");
            double warmCpu = ServingBenchKit.serviceCpuSince(threads, appId, cpuAtWarm) / 1e9;
            report("warm-up (keys created): %d forecasts in %.1f s since the first = %.0f points/s; service threads %.1f CPU-s"
                    + " = %.0f points per service CPU-second", warm.read(), warm.seconds(), warm.read() / warm.seconds(), warmCpu,
                    warm.read() / warmCpu);

            // 2. heap with every key in the store
            long heapFull = liveHeap(memory);
            byte[] value = storedValue(streams, "series-0");
            KeyState decoded = StoredState.decode(value);
            report("live heap with %d keys: %.1f MiB: %.0f bytes per key over the empty store; a stored value is %d bytes"
                    + " (ring %d of %d values)", keys, heapFull / 1048576.0, (heapFull - heapEmpty) / (double) keys, value.length,
                    decoded.remembered(), decoded.ringCapacity());

            // 3. steady: one more point for every key, each now with a state to read, step and write back
            Map<Long, Long> cpuAtSteady = ServingBenchKit.serviceThreadCpu(threads, appId);
            long steadyStart = System.nanoTime();
            sendRound(producer, keys, warmPoints);
            producer.flush();
            double producing = (System.nanoTime() - steadyStart) / 1e9;
            ServingBenchKit.Drain steady = ServingBenchKit.drain(forecasts, keys, Duration.ofMinutes(30));
            assertEquals(keys, steady.read(), "forecasts of the steady round");
            double steadyCpu = ServingBenchKit.serviceCpuSince(threads, appId, cpuAtSteady) / 1e9;
            report("steady round: %d forecasts in %.1f s since the first = %.0f points/s (%.1f s from the first send to the last"
                    + " forecast; producing took %.1f s of it, in this JVM); service threads %.1f CPU-s = %.0f points per service"
                    + " CPU-second", steady.read(), steady.seconds(), steady.read() / steady.seconds(),
                    (steady.lastNanos() - steadyStart) / 1e9, producing, steadyCpu, steady.read() / steadyCpu);
            long heapSteady = liveHeap(memory);
            report("live heap after the steady round: %.1f MiB: %.0f bytes per key over the empty store; a stored value is %d bytes",
                    heapSteady / 1048576.0, (heapSteady - heapEmpty) / (double) keys, storedValue(streams, "series-0").length);

            // 4. the changelog on the broker's disk
            long changelogBytes = logDirBytes(admin, changelog);
            long changelogOffsets = endOffsets(admin, changelog, partitions);
            int pointsPerKey = warmPoints + 1;
            report("changelog %s: %d bytes in the log dir, end offsets sum %d (%d points per key; transaction markers included):"
                    + " %.0f bytes per offset, %.0f bytes per key", changelog, changelogBytes, changelogOffsets, pointsPerKey,
                    changelogBytes / (double) changelogOffsets, changelogBytes / (double) keys);

            // 5. restore: close, wipe the state, start again. A dynamic Streams member does not leave the group on
            // close (leaveGroup applies to static members), so the new one first waits out the old one's session.
            streams.close(Duration.ofMinutes(2));
            long heapClosed = liveHeap(memory);
            report("live heap after closing the app: %.1f MiB (the store's share: %.0f bytes per key)", heapClosed / 1048576.0,
                    (heapSteady - heapClosed) / (double) keys);
            deleteTree(state);
            Files.createDirectories(state);
            Restores restores = new Restores(partitions);
            long restartStart = System.nanoTime();
            streams = start(kafka.bootstrapServers(), holder, metrics, appId, state, restores);
            try {
                assertTrue(awaitRunning(streams, Duration.ofMinutes(10)), "streams did not reach RUNNING after the restart");
                long running = System.nanoTime();
                assertTrue(restores.done.await(10, TimeUnit.MINUTES), "restore did not end");
                long restored = restores.lastEnd.get();
                forecasts.poll(Duration.ofMillis(500)); // nothing new is expected: the reader is at the end
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(Topics.POINTS, "series-0",
                        PointBinary.write(TestModels.point("series-0", pointsPerKey, value(0, pointsPerKey))))).get();
                long firstForecast = awaitForecast(forecasts, "series-0", Duration.ofMinutes(2));
                double restoreSeconds = (restored - restores.firstStart.get()) / 1e9;
                report("restart with a wiped state dir: RUNNING after %.2f s; restore of %d records (%d partitions) ran %.2f s"
                        + " (%.0f records/s, %.0f MB/s of log dir) and ended %.2f s after start(); a new point sent at %.2f s was"
                        + " forecast %.2f s later, %.2f s after start()", (running - restartStart) / 1e9, restores.records.get(),
                        restores.partitions.get(), restoreSeconds, restores.records.get() / restoreSeconds,
                        changelogBytes / 1e6 / restoreSeconds, (restored - restartStart) / 1e9, (sent - restartStart) / 1e9,
                        (firstForecast - sent) / 1e9, (firstForecast - restartStart) / 1e9);
                assertTrue(restores.records.get() <= changelogOffsets, "restored more records than the changelog holds");
                long heapRestored = liveHeap(memory);
                report("live heap after the restore: %.1f MiB: %.0f bytes per key over the empty store", heapRestored / 1048576.0,
                        (heapRestored - heapEmpty) / (double) keys);
            } finally {
                streams.close(Duration.ofMinutes(1));
            }
        } finally {
            deleteTree(state);
        }
    }

    /** Sends point {@code i} of every key. */
    private static void sendRound(KafkaProducer<String, byte[]> producer, int keys, int i) {
        for (int k = 0; k < keys; k++) {
            String key = "series-" + k;
            producer.send(new ProducerRecord<>(Topics.POINTS, key, PointBinary.write(TestModels.point(key, i, value(k, i)))));
        }
    }

    /**
     * The test signal scaled and wiggled per key, so that no two keys hold the same state: with the other benches'
     * four level groups every key of a group has byte-identical state, and lz4 shrank the changelog 18-fold (60 bytes
     * per 1.1-KB record in a first run), which real series do not allow.
     */
    private static double value(int key, int i) {
        return TestModels.value(key % 4, i) * (1 + (key % 9973) / 9973.0) + 0.1 * Math.sin(key * 0.7 + i * 1.3);
    }

    /** A new instance of the service's topology (the restore listener, when given, is set before it starts). */
    private static KafkaStreams start(String bootstrap, ModelHolder holder, ServingMetrics metrics, String appId, Path state,
                                      StateRestoreListener restores) {
        KafkaStreams streams = new KafkaStreams(ServingTopology.build(ServingBenchKit.servingSpec(), holder, metrics, ServingEvents.NONE),
                ServingBenchKit.streamsProps(bootstrap, appId, state));
        if (restores != null) {
            streams.setGlobalStateRestoreListener(restores);
        }
        streams.start();
        return streams;
    }

    /** Live heap: bytes used after full collections (G1 runs {@code System.gc()} as a full, stop-the-world GC). */
    private static long liveHeap(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static boolean awaitRunning(KafkaStreams streams, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                return false;
            }
            Thread.sleep(20); // a state listener would race with start(); 20 ms is below the figures' resolution
        }
        return true;
    }

    private static byte[] storedValue(KafkaStreams streams, String key) {
        byte[] v = streams.store(StoreQueryParameters.fromNameAndType(KEY_STATE, QueryableStoreTypes.<String, byte[]>keyValueStore())).get(key);
        assertTrue(v != null, "no state stored for " + key);
        return v;
    }

    /** nanoTime when a forecast for {@code key} was read. */
    private static long awaitForecast(KafkaConsumer<String, byte[]> consumer, String key, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                if (key.equals(r.key())) {
                    return System.nanoTime();
                }
            }
        }
        throw new AssertionError("no forecast for " + key + " within " + timeout);
    }

    /** Bytes of {@code topic}'s partitions in the broker's log dirs (segments and their indexes as the broker counts them). */
    private static long logDirBytes(Admin admin, String topic) throws Exception {
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList();
        long bytes = 0;
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (LogDirDescription d : dirs.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> e : d.replicaInfos().entrySet()) {
                    if (e.getKey().topic().equals(topic)) {
                        bytes += e.getValue().size();
                    }
                }
            }
        }
        return bytes;
    }

    private static long endOffsets(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void report(String format, Object... args) {
        System.out.printf("million: " + format + "%n", args);
    }

    /** Records restored into the key-state store, and when the first partition began and the last one ended. */
    private static final class Restores implements StateRestoreListener {
        final AtomicLong records = new AtomicLong(), partitions = new AtomicLong(), firstStart = new AtomicLong(), lastEnd = new AtomicLong();
        final CountDownLatch done;

        Restores(int partitionCount) {
            done = new CountDownLatch(partitionCount);
        }

        @Override
        public void onRestoreStart(TopicPartition tp, String store, long startOffset, long endOffset) {
            if (store.equals(KEY_STATE)) {
                firstStart.compareAndSet(0, System.nanoTime());
            }
        }

        @Override
        public void onBatchRestored(TopicPartition tp, String store, long batchEndOffset, long numRestored) {
            if (store.equals(KEY_STATE)) {
                records.addAndGet(numRestored);
            }
        }

        @Override
        public void onRestoreEnd(TopicPartition tp, String store, long totalRestored) {
            if (store.equals(KEY_STATE)) {
                partitions.incrementAndGet();
                lastEnd.set(System.nanoTime());
                done.countDown();
            }
        }
    }
}
