package org.forecaster.serving.topology;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.forecaster.core.online.PointStep;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.StoredState;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastJsonWriter;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointJsonReader;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.serving.weights.LoadedModel;
import org.forecaster.serving.weights.ModelHolder;
import org.forecaster.serving.metrics.ServingMetrics;

/**
 * The Kafka side of the per-point step: decodes a point, sorts out what is not stepped, runs core's
 * {@link PointStep} (re-warm, step, score, cold and alert rules: the code path of {@code forecast detect} and the
 * REST views too) and stores and forwards what it returns.
 *
 * <p>Per point (value = the window's mean, time = its start): a duplicate of the key's last window is counted
 * and ignored; an older window, a malformed record, a non-finite value, a window start out of range, a stored state
 * that cannot be decoded or a step that throws goes to the DLQ with a reason (a poison point never fails the task); every
 * other point yields one forecast on {@code forecasts} and, when it opens or resolves an alert, an alert on
 * {@code anomalies}. The state, the outputs and the input offset commit together under {@code exactly_once_v2}.
 *
 * <p>A wall-clock punctuator deletes keys idle for longer than the TTL and opens {@code silent} alerts for keys that
 * stopped reporting (their next point resolves them). One instance per task; the
 * {@link PointStep} (scratch buffers) is rebuilt when the {@link ModelHolder} has a new model, between records.
 */
public final class ForecastProcessor implements Processor<String, byte[], String, byte[]> {
    public static final String FORECASTS_SINK = "forecasts-sink";
    public static final String ANOMALIES_SINK = "anomalies-sink";
    public static final String DLQ_SINK = "dlq-sink";

    /** Window starts outside these are dead-lettered as {@code bad-window-start}: no telemetry is older or that far ahead. */
    static final Instant EARLIEST_WINDOW = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST_WINDOW = Instant.parse("2999-12-31T23:59:59Z");

    private final ServingSpec spec;
    private final ModelHolder holder;
    private final ServingMetrics metrics;
    private final ServingEvents events;
    private final ForecastJsonWriter forecastJson = new ForecastJsonWriter();
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;
    private LoadedModel model;
    private PointStep step;
    /** Wall clock when this task started, and the newest point time it has stepped (none yet: MIN_VALUE). */
    private long startedAt;
    private long newestPoint = Long.MIN_VALUE;

    public ForecastProcessor(ServingSpec spec, ModelHolder holder, ServingMetrics metrics, ServingEvents events) {
        this.spec = spec;
        this.holder = holder;
        this.metrics = metrics;
        this.events = events;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(spec.storeName());
        this.startedAt = context.currentSystemTimeMs();
        context.schedule(spec.ttlScanInterval(), PunctuationType.WALL_CLOCK_TIME, this::evictIdle);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Point point;
        try {
            point = PointJsonReader.read(record.value());
        } catch (IllegalArgumentException | NullPointerException e) {
            deadLetter(record, "malformed-point", e.getMessage());
            metrics.invalid();
            return;
        }
        String key = record.key() != null && !record.key().isEmpty() ? record.key() : point.series();
        if (key == null || key.isEmpty() || point.windowStart() == null) {
            deadLetter(record, "malformed-point", "point has no series key or window start");
            metrics.invalid();
            return;
        }
        if (!Double.isFinite(point.mean())) {
            deadLetter(record, "non-finite-value", "point mean is " + point.mean());
            metrics.invalid();
            return;
        }
        Instant windowStart = point.windowStart();
        if (windowStart.isBefore(EARLIEST_WINDOW) || windowStart.isAfter(LATEST_WINDOW)) {
            // Such a time overflows epoch milliseconds or the calendar features; thrown, it would fail the task
            // and be retried forever (issue 17).
            deadLetter(record, "bad-window-start", "window start " + windowStart + " is outside " + EARLIEST_WINDOW
                    + " .. " + LATEST_WINDOW);
            metrics.invalid();
            return;
        }
        ensureStep();
        long ts = windowStart.toEpochMilli();
        byte[] stored = store.get(key);
        KeyState state;
        try {
            state = stored == null ? step.newState() : StoredState.decode(stored, spec.keyNovelty(), spec.alertKinds());
        } catch (RuntimeException e) {
            // The stored state stays as it is, for inspection; the key's points go to the DLQ until it expires.
            deadLetter(record, "bad-state", "stored state of " + key + " cannot be decoded: " + e.getMessage());
            metrics.invalid();
            return;
        }
        if (state.lastTimestamp != KeyState.NO_TIMESTAMP) {
            if (ts == state.lastTimestamp) {
                metrics.duplicate();
                return;
            }
            if (ts < state.lastTimestamp) {
                deadLetter(record, "late", "window " + point.windowStart() + " is older than the key's last window "
                        + Instant.ofEpochMilli(state.lastTimestamp));
                metrics.late();
                return;
            }
        }
        long start = System.nanoTime();
        PointStep.Outcome out;
        try {
            out = step.observe(key, state, windowStart, point.mean());
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException | DateTimeException e) {
            // Nothing was stored: the key's state is as before this point.
            deadLetter(record, "unprocessable-point", e.toString());
            metrics.invalid();
            return;
        }
        metrics.stepNanos(System.nanoTime() - start);
        newestPoint = Math.max(newestPoint, ts);
        store.put(key, StoredState.encode(out.state(), context.currentSystemTimeMs()));

        metrics.point();
        if (out.rewarmed()) {
            metrics.rewarm();
        }
        metrics.gapsFilled(out.result().gapsFilled);
        if (out.result().stateReset) {
            metrics.stateReset();
        }
        context.forward(record.withKey(key).withValue(forecastJson.write(out.forecast())).withHeaders(new RecordHeaders()),
                FORECASTS_SINK);
        metrics.forecast(out.cold());
        events.forecast(out.forecast());
        AnomalyRecord alert = out.alert();
        if (alert != null) {
            context.forward(record.withKey(key).withValue(WireJson.write(alert)).withHeaders(new RecordHeaders()), ANOMALIES_SINK);
            counted(alert);
        }
    }

    private void counted(AnomalyRecord alert) {
        if (alert.state() == AnomalyRecord.State.OPEN) {
            metrics.alertOpened();
        } else {
            metrics.alertResolved();
        }
        events.anomaly(alert);
    }

    /** Picks up a newly swapped-in model (or waits for the first one) and builds this task's step for it. */
    private void ensureStep() {
        LoadedModel now = holder.current();
        if (now == null) {
            try {
                now = holder.await(spec.modelWait());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a first model", e);
            }
            if (now == null) {
                // Thrown, not skipped: the transaction aborts and the point is processed again once a model arrives.
                throw new IllegalStateException("no model loaded after " + spec.modelWait() + "; publish one on "
                        + Topics.WEIGHTS + " or configure forecast.model.bootstrap-file");
            }
        }
        if (now != model) {
            model = now;
            step = spec.pointStep(now);
        }
    }

    @Override
    public void close() {
        if (context != null) {
            metrics.taskClosed(context.taskId().toString());
        }
    }

    private void deadLetter(Record<String, byte[]> record, String reason, String message) {
        RecordHeaders h = new RecordHeaders();
        h.add(Topics.DLQ_REASON, utf8(reason));
        h.add(Topics.DLQ_MESSAGE, utf8(message == null ? reason : message));
        context.recordMetadata().ifPresent((RecordMetadata m) -> {
            h.add(Topics.DLQ_SOURCE_TOPIC, utf8(m.topic()));
            h.add(Topics.DLQ_SOURCE_PARTITION, utf8(Integer.toString(m.partition())));
            h.add(Topics.DLQ_SOURCE_OFFSET, utf8(Long.toString(m.offset())));
        });
        context.forward(record.withHeaders(h), DLQ_SINK);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Opens a silent alert for {@code key} (unless its state says it may not alert yet) and stores its state. */
    private void silence(String key) {
        byte[] stored = store.get(key);
        KeyState state = StoredState.decode(stored, spec.keyNovelty(), spec.alertKinds());
        long due = state.lastTimestamp + step.silentMillis();
        AnomalyRecord alert = step.silence(key, state, Instant.ofEpochMilli(due));
        if (alert == null) {
            return;
        }
        store.put(key, StoredState.encode(state, StoredState.lastSeen(stored)));
        context.forward(new Record<>(key, WireJson.write(alert), due), ANOMALIES_SINK);
        counted(alert);
    }

    /**
     * Deletes keys idle (wall clock) for longer than the TTL; also refreshes the key gauges, and opens a
     * {@code silent} alert for each key without a point for {@link PointStep#silentMillis} both by wall clock (since
     * its last point or, after a restart or rebalance, since this task started: a backlog is not silence) and by
     * point time (the newest point this task has stepped is that far past the key's last one: a consumer that lags
     * behind, or a replay faster than real time, does not make keys silent). So nothing is silent while no point at
     * all arrives (an outage of the whole pipeline is for the pipeline's own alerts), and the check runs only as
     * often as this scan ({@code ttl-scan-interval}).
     */
    private void evictIdle(long now) {
        long cutoff = now - spec.stateTtl().toMillis();
        List<String> idle = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        long silentMillis = step == null || newestPoint == Long.MIN_VALUE ? 0 : step.silentMillis();
        long total = 0, cold = 0;
        // Keys are collected first and deleted after the iterator is closed: stores differ in whether their
        // iterators tolerate concurrent deletes.
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (StoredState.lastSeen(kv.value) < cutoff) {
                    idle.add(kv.key);
                } else {
                    total++;
                    if (StoredState.steps(kv.value) < spec.coldSteps()) {
                        cold++;
                    }
                    if (silentMillis > 0 && now - Math.max(StoredState.lastSeen(kv.value), startedAt) >= silentMillis
                            && newestPoint - StoredState.lastTimestamp(kv.value) >= silentMillis
                            && !StoredState.alertOpen(kv.value)) {
                        silent.add(kv.key);
                    }
                }
            }
        }
        for (String k : idle) {
            store.delete(k);
        }
        for (String k : silent) {
            silence(k);
        }
        metrics.evicted(idle.size());
        metrics.keys(context.taskId().toString(), total, cold);
    }
}
