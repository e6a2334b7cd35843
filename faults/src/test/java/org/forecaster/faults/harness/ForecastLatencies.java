package org.forecaster.faults.harness;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows a forecasts topic as a user of it would (read_committed) and records, per forecast, when its point was due
 * ({@link OpenLoopPoints#dueNanos(String, Instant)}) and how long after that it was received: the point -> committed
 * forecast latency, the figure {@code forecast load --points} reports. {@link #between} gives the latencies of the
 * points due in an interval, so a rebalance's spike can be set against the steady state around it.
 */
public final class ForecastLatencies implements AutoCloseable {
    private static final byte[] OBSERVED = "\"observedTs\":\"".getBytes(StandardCharsets.US_ASCII);

    private final OpenLoopPoints feed;
    private final Thread thread;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Object lock = new Object();
    private long[] due = new long[1 << 16], latency = new long[1 << 16];
    private int count;

    /** Keys {@code key@observedTs} of forecasts whose arrival is watched, with their latest arrival (nanoTime; 0: none yet). */
    private final java.util.concurrent.ConcurrentHashMap<String, Long> watched = new java.util.concurrent.ConcurrentHashMap<>();

    public ForecastLatencies(String bootstrap, String topic, OpenLoopPoints feed) {
        this(bootstrap, topic, feed, true);
    }

    /**
     * Follows {@code topic}; {@code committedOnly} false reads uncommitted records too (read_uncommitted): then each
     * forecast shows as soon as it is written, also those of transactions aborted later.
     */
    public ForecastLatencies(String bootstrap, String topic, OpenLoopPoints feed, boolean committedOnly) {
        this.feed = feed;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "faults-latency-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(20)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = Thread.ofPlatform().name("forecast-latencies").daemon().start(() -> {
            try (consumer) {
                while (!stopping.get()) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        Instant observed = observed(r.value());
                        long d = feed.dueNanos(r.key(), observed);
                        add(d, now - d);
                        if (!watched.isEmpty()) {
                            watched.computeIfPresent(r.key() + "@" + observed, (k, v) -> now);
                        }
                    }
                }
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
    }

    private static Instant observed(byte[] json) {
        int at = indexOf(json, OBSERVED);
        if (at < 0) {
            throw new IllegalStateException("a forecast without observedTs: " + new String(json, StandardCharsets.UTF_8));
        }
        int from = at + OBSERVED.length, to = from;
        while (json[to] != '"') {
            to++;
        }
        return Instant.parse(new String(json, from, to - from, StandardCharsets.US_ASCII));
    }

    private static int indexOf(byte[] a, byte[] b) {
        outer:
        for (int i = 0; i + b.length <= a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                if (a[i + j] != b[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void add(long d, long l) {
        synchronized (lock) {
            if (count == due.length) {
                due = Arrays.copyOf(due, count * 2);
                latency = Arrays.copyOf(latency, count * 2);
            }
            due[count] = d;
            latency[count] = l;
            count++;
        }
    }

    /**
     * Records from now on when the forecast of {@code key}'s point observed at {@code observed} arrives (its latest
     * arrival, so a copy written by a transaction that was aborted later is superseded by the committed one).
     */
    public void watch(String key, Instant observed) {
        watched.put(key + "@" + observed, 0L);
    }

    /** The latest arrival (nanoTime) of a watched forecast, 0 if it has not arrived since {@link #watch}. */
    public long arrival(String key, Instant observed) {
        return watched.getOrDefault(key + "@" + observed, 0L);
    }

    /** Forecasts received so far. */
    public int count() {
        synchronized (lock) {
            return count;
        }
    }

    /** The latencies (ms, sorted) of the forecasts received so far whose points were due in [from, to) (nanoTime). */
    public double[] between(long fromNanos, long toNanos) {
        synchronized (lock) {
            double[] out = new double[count];
            int n = 0;
            for (int i = 0; i < count; i++) {
                if (due[i] >= fromNanos && due[i] < toNanos) {
                    out[n++] = latency[i] / 1e6;
                }
            }
            out = Arrays.copyOf(out, n);
            Arrays.sort(out);
            return out;
        }
    }

    /** The {@code q} quantile (0..1) of sorted values, nearest rank; NaN if there are none. */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }

    public void assertHealthy() {
        if (failure.get() != null) {
            throw new AssertionError("following the forecasts failed", failure.get());
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping.set(true);
        thread.join(10_000);
    }
}
