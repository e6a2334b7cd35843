package org.forecaster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.Topics;
import org.forecaster.faults.harness.BrokerProcess;
import org.forecaster.faults.harness.Dirs;
import org.forecaster.faults.harness.KafkaIO;
import org.forecaster.faults.harness.ServiceProcess;
import org.forecaster.faults.harness.Services;
import org.junit.jupiter.api.Test;

/**
 * The ingest service's windowing stage alone (issue 16, "Performance"): the packaged service as its own process on a
 * broker process, no model service. Not part of any test run (its name matches neither surefire's nor failsafe's
 * patterns); run it with {@code -Dit.test=IngestWindowingBench}, once per build to compare (see docs/benchmarks.md).
 *
 * <ol>
 *   <li><b>Catch-up</b>: {@code bench.series} series × {@code bench.minutes} 1-minute scrapes, keyed by series and
 *   in time order, are on {@code telemetry.raw} before the service starts; the rate is the events it accepts per
 *   CPU-second of its own process ({@code /proc/PID/stat}, all its threads) between 10 % and 90 % of them, which
 *   other load on the machine (the broker, this JVM) does not change much. {@code -Dbench.unkeyed=true} sends them
 *   without keys, as a plain producer's backfill, so they take the re-key (the live part stays keyed).</li>
 *   <li><b>Added latency</b>: the series then go on at {@code bench.rate} events/s (open loop, each event due at a
 *   fixed time), 5-minute windows with 1-minute grace; a read_committed consumer of {@code telemetry.points} takes
 *   each window's latency from the due time of the series' event that closes it (the first at or after the
 *   window's end plus grace) to the point's arrival. Windows closing in the first quarter are left out (warm-up).</li>
 * </ol>
 * {@code bench.ingest.roots} names the checkouts (comma-separated; empty: this one) whose
 * {@code ingest-service/target/quarkus-app} is started, each in turn, {@code bench.repeat} times: an older build in a
 * git worktree gives the partition-time figures in the same session.
 */
class IngestWindowingBench {
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    private static final int PER_WINDOW = 5, CLOSE_AFTER = PER_WINDOW + 1; // 5-minute windows, 1-minute grace
    private static final long CLK_TCK = 100; // USER_HZ of /proc/PID/stat on Linux
    private static final String JFR = System.getProperty("bench.jfr", "");

    @Test
    void measure() throws Exception {
        // Several builds alternate in one run (each on a fresh broker), so they share the machine's state of the moment.
        List<String> roots = Arrays.asList(System.getProperty("bench.ingest.roots", "").split(",", -1));
        for (int repeat = 0; repeat < Integer.getInteger("bench.repeat", 1); repeat++) {
            for (String root : roots) {
                measure(root.strip());
            }
        }
    }

    private void measure(String root) throws Exception {
        int series = Integer.getInteger("bench.series", 2000), minutes = Integer.getInteger("bench.minutes", 300);
        int rate = Integer.getInteger("bench.rate", 8000), seconds = Integer.getInteger("bench.latency-seconds", 60);
        boolean unkeyed = Boolean.getBoolean("bench.unkeyed"); // the preload through a plain producer: re-keyed by ingest
        // ServiceProcess resolves the module against the repository root: an absolute path starts another checkout's build.
        String module = root.isEmpty() ? Services.INGEST : Path.of(root, Services.INGEST).toAbsolutePath().toString();
        Path dir = Dirs.fresh(getClass()).resolve(UUID.randomUUID().toString());
        Map<String, String> config = Services.ingestService();
        config.remove("forecast.ingest.window.idle-close"); // unknown to the partition-time build; its default (11 min) never fires here
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            broker.createProductionTopics();
            long preloaded = (long) series * minutes;
            AtomicReference<Exception> failed = new AtomicReference<>();
            try (KafkaProducer<String, byte[]> p = KafkaIO.producer(broker.bootstrap())) {
                for (int m = 0; m < minutes; m++) {
                    for (int s = 0; s < series; s++) {
                        ProducerRecord<String, byte[]> e = event(s, m);
                        p.send(unkeyed ? new ProducerRecord<>(e.topic(), null, e.value()) : e, (md, x) -> {
                            if (x != null) {
                                failed.compareAndSet(null, x);
                            }
                        });
                    }
                }
                p.flush();
            }
            long onTopic = rawRecords(broker);
            if (failed.get() != null || onTopic != preloaded) {
                // Seen once (805 of 600,000 unacknowledged on a busy machine): the rate is over what is on the topic.
                System.out.printf(Locale.ROOT, "bench: preload: %d of %d events on %s, first send failure: %s%n", onTopic,
                        preloaded, Topics.RAW, failed.get());
                preloaded = onTopic;
            }
            System.out.printf(Locale.ROOT, "bench: %d %s events (%d series x %d minutes) on %s; starting %s%n", preloaded,
                    unkeyed ? "unkeyed" : "keyed", series, minutes, Topics.RAW, module);
            try (ServiceProcess ingest = ServiceProcess.start("ingest", module, dir, broker, config)) {
                catchUp(ingest, preloaded, root.isEmpty() ? "this" : Path.of(root).getFileName().toString());
                Services.awaitCaughtUp(broker, "ingest-service", Topics.RAW, Duration.ofSeconds(120));
                latency(broker, ingest, series, minutes, rate, seconds);
                assertEquals(0, KafkaIO.countCommitted(broker.bootstrap(), Topics.DLQ), "nothing dead-lettered");
            }
        }
    }

    /** Samples the service's CPU and accepted count once a second until every preloaded event is accepted. */
    private static void catchUp(ServiceProcess ingest, long total, String label) throws IOException {
        long wall0 = System.nanoTime();
        double[] at10 = null, at90 = null; // {wall s, cpu s, accepted}
        while (true) {
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
            assertTrue(ingest.isAlive(), "ingest died");
            double accepted = ingest.metric("forecast_ingest_events_accepted_total");
            double[] sample = {(System.nanoTime() - wall0) / 1e9, cpuSeconds(ingest.pid()), accepted};
            if (at10 == null && accepted >= 0.1 * total) {
                at10 = sample;
                jfr(ingest.pid(), "JFR.start", "settings=profile", "name=bench",
                        "filename=" + JFR.replaceFirst("\\.jfr$", "") + "-" + label + ".jfr");
            }
            if (at90 == null && accepted >= 0.9 * total) {
                at90 = sample;
                jfr(ingest.pid(), "JFR.stop", "name=bench");
            }
            if (accepted >= total) {
                double events = at90[2] - at10[2], cpu = at90[1] - at10[1], wall = at90[0] - at10[0];
                System.out.printf(Locale.ROOT, "bench: catch-up: %d events accepted %.1f s after start (%.1f CPU-s in all, start-up"
                        + " included); 10-90 %%: %.0f events in %.1f s wall, %.1f CPU-s of ingest = %.0f events/CPU-s, %.0f events/s%n",
                        total, sample[0], sample[1], events, wall, cpu, events / cpu, events / wall);
                return;
            }
            if (sample[0] > 600) {
                throw new AssertionError("only " + accepted + " of " + total + " accepted in 600 s");
            }
        }
    }

    /** The series go on live at {@code rate} events/s; prints the windows' added latency percentiles. */
    private static void latency(BrokerProcess broker, ServiceProcess ingest, int series, int fromMinute, int rate, int seconds)
            throws Exception {
        int rounds = Math.max(4 * CLOSE_AFTER, (int) ((long) rate * seconds / series));
        long[][] due = new long[rounds][series];
        long intervalNanos = 1_000_000_000L / rate;
        // Windows whose closing event falls in the rounds sent: window w of the series closes at minute 5w + 6.
        int firstWindow = Math.floorDiv(fromMinute - CLOSE_AFTER, PER_WINDOW) + 1;
        int lastWindow = Math.floorDiv(fromMinute + rounds - 1 - CLOSE_AFTER, PER_WINDOW);
        int warmRound = rounds / 4;
        List<Long> latencies = new ArrayList<>();
        AtomicInteger received = new AtomicInteger(), early = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        long expected = (long) series * (lastWindow - firstWindow + 1);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp);
             KafkaProducer<String, byte[]> producer = KafkaIO.producer(broker.bootstrap())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.POINTS).stream()
                    .map(i -> new TopicPartition(Topics.POINTS, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position); // resolve the end now, before anything new is written
            double cpu0 = cpuSeconds(ingest.pid());
            long start = System.nanoTime() + 200_000_000L;
            Thread sender = Thread.ofPlatform().name("bench-sender").start(() -> {
                for (int r = 0; r < rounds; r++) {
                    for (int s = 0; s < series; s++) {
                        long at = start + ((long) r * series + s) * intervalNanos;
                        long wait = at - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        due[r][s] = at;
                        producer.send(event(s, fromMinute + r)); // never waits for the acknowledgement: open loop
                    }
                }
                producer.flush();
                sending.set(false);
            });
            long deadline = start + Duration.ofSeconds(seconds + 60).toNanos();
            while (received.get() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    Point p = PointReader.read(r.value());
                    int s = Integer.parseInt(p.series().substring("bench-".length()));
                    int w = (int) (Duration.between(T0, p.windowStart()).toMinutes() / PER_WINDOW);
                    if (w < firstWindow || w > lastWindow) {
                        continue;
                    }
                    received.incrementAndGet();
                    int closingRound = PER_WINDOW * w + CLOSE_AFTER - fromMinute;
                    if (closingRound >= warmRound) {
                        long sentAt = due[closingRound][s];
                        if (sentAt == 0 || now < sentAt) { // closed before its own closing event: another series moved time
                            early.incrementAndGet();
                            latencies.add(0L);
                        } else {
                            latencies.add(now - sentAt);
                        }
                    }
                }
            }
            sender.join();
            double cpu = cpuSeconds(ingest.pid()) - cpu0;
            long events = (long) rounds * series;
            long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "bench: live: %d series at %d events/s for %d rounds (%d events, %.1f CPU-s of ingest ="
                            + " %.0f events/CPU-s); %d of %d windows received; latency over %d windows after warm-up: p50 %.1f,"
                            + " p90 %.1f, p99 %.1f, p99.9 %.1f, max %.1f ms (%d closed before their own closing event)%n",
                    series, rate, rounds, events, cpu, events / cpu, received.get(), expected, l.length, ms(l, 0.5), ms(l, 0.9),
                    ms(l, 0.99), ms(l, 0.999), ms(l, 1.0), early.get());
            assertEquals(expected, received.get(), "every window of the live part received");
        }
    }

    /** The number of records on the raw topic: the sum of its partitions' end offsets. */
    private static long rawRecords(BrokerProcess broker) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cp)) {
            List<TopicPartition> parts = c.partitionsFor(Topics.RAW).stream()
                    .map(i -> new TopicPartition(Topics.RAW, i.partition())).toList();
            return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static ProducerRecord<String, byte[]> event(int s, int minute) {
        String id = "bench-" + s;
        String json = "{\"series\":\"" + id + "\",\"ts\":\"" + T0.plus(Duration.ofMinutes(minute)) + "\",\"value\":" + (s + minute % 17) + "}";
        return new ProducerRecord<>(Topics.RAW, id, json.getBytes(StandardCharsets.UTF_8));
    }

    /** With {@code -Dbench.jfr=FILE}: a JFR profile of the service's catch-up between 10 and 90 % (jcmd of this JDK). */
    private static void jfr(long pid, String... command) {
        if (JFR.isEmpty()) {
            return;
        }
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, "jcmd failed: " + cmd);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** User plus system CPU of the process, all threads. */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // after "pid (comm) ": f[0] is field 3
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLK_TCK;
    }
}
