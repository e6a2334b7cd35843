package org.forecaster.serving.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's meters, registered once on a {@link MeterRegistry} (Prometheus in the service, a
 * {@code SimpleMeterRegistry} in tests, which read the counts back). Thread-safe; counters are cheap
 * enough to bump per record.
 */
public final class ServingMetrics {
    private final MeterRegistry registry;
    private final Counter points, duplicates, late, invalid, gapsFilled, forecasts, coldForecasts, alertsOpened,
            alertsResolved, rewarms, stateResets, evictions, weightsAccepted;
    private final Timer step;
    private final DistributionSummary batchPoints, batchWidth;
    private final ConcurrentMap<String, Counter> rejected = new ConcurrentHashMap<>();
    private final AtomicLong modelVersion = new AtomicLong();
    /** Per stream task: {keys, cold keys} of its store as of its last TTL scan; the gauges sum them. */
    private final ConcurrentMap<String, long[]> keysByTask = new ConcurrentHashMap<>();

    public ServingMetrics(MeterRegistry registry) {
        this.registry = registry;
        points = Counter.builder("forecast.points").description("Points processed (one model step each)").register(registry);
        duplicates = Counter.builder("forecast.points.duplicate").description("Points for a window already seen, ignored").register(registry);
        late = Counter.builder("forecast.points.late").description("Points older than the key's last, dead-lettered").register(registry);
        invalid = Counter.builder("forecast.points.invalid").description("Malformed or non-finite points, dead-lettered").register(registry);
        gapsFilled = Counter.builder("forecast.gaps.filled").description("Missing steps fed with the model's own forecast").register(registry);
        forecasts = Counter.builder("forecast.forecasts").description("Forecast records emitted").register(registry);
        coldForecasts = Counter.builder("forecast.forecasts.cold").description("Forecast records flagged cold").register(registry);
        alertsOpened = Counter.builder("forecast.alerts").tag("transition", "open").description("Alert transitions").register(registry);
        alertsResolved = Counter.builder("forecast.alerts").tag("transition", "resolved").description("Alert transitions").register(registry);
        rewarms = Counter.builder("forecast.rewarms").description("Key states rebuilt under new weights").register(registry);
        stateResets = Counter.builder("forecast.state.resets").description("Key states reset after a gap longer than the limit").register(registry);
        evictions = Counter.builder("forecast.evictions").description("Idle keys deleted by the state TTL").register(registry);
        weightsAccepted = Counter.builder("forecast.weights.accepted").description("Model versions swapped in").register(registry);
        step = Timer.builder("forecast.step").description("Time to advance one key by one point (gap fills and re-warm included)")
                .publishPercentileHistogram().publishPercentiles(0.5, 0.99).register(registry);
        batchPoints = DistributionSummary.builder("forecast.batch.points")
                .description("Points applied together by one flush of the processor's micro-batch").register(registry);
        batchWidth = DistributionSummary.builder("forecast.batch.stepped")
                .description("Keys stepped by one call of the batched step (1 where the kernels' sums depend on the batch)")
                .register(registry);
        registry.gauge("forecast.model.version", modelVersion);
        registry.gauge("forecast.keys", keysByTask, m -> m.values().stream().mapToLong(v -> v[0]).sum());
        registry.gauge("forecast.keys.cold", keysByTask, m -> m.values().stream().mapToLong(v -> v[1]).sum());
    }

    public void point() { points.increment(); }
    public void duplicate() { duplicates.increment(); }
    public void late() { late.increment(); }
    public void invalid() { invalid.increment(); }
    public void gapsFilled(int n) { if (n > 0) gapsFilled.increment(n); }
    public void forecast(boolean cold) { forecasts.increment(); if (cold) coldForecasts.increment(); }
    public void alertOpened() { alertsOpened.increment(); }
    public void alertResolved() { alertsResolved.increment(); }
    public void rewarm() { rewarms.increment(); }
    public void stateReset() { stateResets.increment(); }
    public void evicted(int n) { if (n > 0) evictions.increment(n); }
    public void stepNanos(long nanos) { step.record(nanos, TimeUnit.NANOSECONDS); }
    public void batch(int points) { batchPoints.record(points); }
    public void batchStepped(int keys) { batchWidth.record(keys); }

    public void weightsAccepted(long version) {
        weightsAccepted.increment();
        modelVersion.set(version);
    }

    /** A rejected model version, by reason (a {@code ModelFormatException.Reason} in kebab case, or stale/incompatible). */
    public void weightsRejected(String reason) {
        rejected.computeIfAbsent(reason, r -> Counter.builder("forecast.weights.rejected").tag("reason", r)
                .description("Model versions rejected; the current model kept serving").register(registry)).increment();
    }

    /**
     * Keys in one task's store and how many of them are cold, as of its last TTL scan. Kept per task: each task
     * scans only its own store, and a single value would show whichever task scanned last.
     */
    public void keys(String task, long total, long cold) {
        keysByTask.put(task, new long[] {total, cold});
    }

    /** A task closed (its partitions moved away): its keys no longer count here. */
    public void taskClosed(String task) {
        keysByTask.remove(task);
    }

    /** The {@code forecast.keys} gauge's value: keys over all tasks of this instance. */
    public long keys() {
        return keysByTask.values().stream().mapToLong(v -> v[0]).sum();
    }

    public MeterRegistry registry() { return registry; }

    /** Reason label for an enum constant: {@code NON_FINITE -> non-finite}. */
    public static String reasonLabel(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
