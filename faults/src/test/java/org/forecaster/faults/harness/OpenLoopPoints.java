package org.forecaster.faults.harness;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.WireJson;

/**
 * An open-loop producer of finished points, as {@code forecast load --points} sends them: {@code keys} series
 * ({@code s000000}, ...) stepping together in 5-minute steps from {@link Samples#T0}, point number {@code i} due
 * {@code i / rate} seconds after the start whatever the service does (a slow service is queued for, not waited for,
 * so a pause shows as latency). {@link #stop()} ends after the step in progress, so every key gets the same number of
 * points. The values are a deterministic function of key and step: a rerun sends the same bytes.
 */
public final class OpenLoopPoints implements AutoCloseable {
    private final int keys;
    private final double rate;
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger steps = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private final long startNanos;
    private volatile long maxBehindNanos;

    public OpenLoopPoints(String bootstrap, String topic, int keys, double rate) {
        if (keys < 1 || rate <= 0) {
            throw new IllegalArgumentException("keys must be >= 1 and rate > 0: " + keys + ", " + rate);
        }
        this.keys = keys;
        this.rate = rate;
        this.producer = KafkaIO.producer(bootstrap);
        this.startNanos = System.nanoTime() + 100_000_000L; // 100 ms to start the thread on a loaded machine
        this.thread = Thread.ofPlatform().name("open-loop-points").daemon().start(() -> {
            try {
                for (int step = 0; !stopping.get(); step++) {
                    for (int k = 0; k < keys; k++) {
                        long due = dueNanos(step, k);
                        long now = System.nanoTime();
                        // Parks of at least 1 ms: points due meanwhile go out together; latency counts from the due
                        // time, so the extra wait is measured, not hidden.
                        while (now < due) {
                            LockSupport.parkNanos(Math.max(due - now, 1_000_000L));
                            now = System.nanoTime();
                        }
                        maxBehindNanos = Math.max(maxBehindNanos, now - due);
                        String key = key(k);
                        double v = value(k, step);
                        producer.send(new ProducerRecord<>(topic, key, WireJson.write(
                                new Point(key, Samples.time(step), Samples.time(step + 1), 1, v, v, v, v))), (m, e) -> {
                                    if (e != null) {
                                        failure.compareAndSet(null, e);
                                    }
                                });
                    }
                    steps.incrementAndGet();
                }
                producer.flush();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
    }

    public static String key(int k) {
        return String.format("s%06d", k);
    }

    /** A daily cycle (288 steps), a per-key level and phase, and a small deterministic wobble. */
    static double value(int k, int step) {
        double level = 50 + (k % 97);
        double wobble = ((k * 31L + step * 17L) % 11 - 5) * 0.1;
        return level + 10 * Math.sin(2 * Math.PI * (step + k % 288) / 288.0) + wobble;
    }

    /** When the point of {@code key} at {@code step} was due, on the {@link System#nanoTime()} clock. */
    public long dueNanos(int step, int k) {
        return startNanos + (long) ((step * (double) keys + k) * 1e9 / rate);
    }

    /** The due time of the point {@code key} sent for the window starting at {@code observed}. */
    public long dueNanos(String key, Instant observed) {
        int step = (int) (java.time.Duration.between(Samples.T0, observed).toMillis() / Samples.STEP.toMillis());
        return dueNanos(step, Integer.parseInt(key, 1, key.length(), 10));
    }

    public long startNanos() {
        return startNanos;
    }

    /** The largest delay of a send behind its due time: if large, the producer (not the service) was the bottleneck. */
    public long maxBehindNanos() {
        return maxBehindNanos;
    }

    /** Stops after the step in progress and waits until every point is acknowledged; returns the points sent. */
    public int stop() throws InterruptedException {
        stopping.set(true);
        thread.join(120_000);
        if (thread.isAlive()) {
            throw new AssertionError("the feed did not finish its last step within 120 s");
        }
        if (failure.get() != null) {
            throw new AssertionError("sending a point failed", failure.get());
        }
        return steps.get() * keys;
    }

    public int keys() {
        return keys;
    }

    @Override
    public void close() throws InterruptedException {
        stopping.set(true);
        thread.join(10_000);
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
