package org.forecaster.serving.topology;

import java.nio.charset.StandardCharsets;
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
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.anomaly.ScoredStep;
import org.forecaster.core.model.Gaussian;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.StoredState;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastJsonWriter;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointJsonReader;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.serving.weights.LoadedModel;
import org.forecaster.serving.weights.ModelHolder;

/**
 * Advances one series' recurrent state per point and emits a forecast, alert transitions, or a dead letter.
 *
 * <p>Per point (value = the window's mean, time = its start): a duplicate of the key's last window is counted
 * and ignored; an older window, a malformed record or a non-finite value goes to the DLQ with a reason; a key
 * whose state belongs to other weights (or another architecture) is re-warmed from its ring under the current
 * ones first; then {@link Stepper#observe} fills gaps and forecasts, and the point is scored: with the novelty
 * scorer by {@link ScoredStep}, exactly as {@code forecast detect} scores a row, with the key's {@link NoveltyScore}
 * kept in its state (and left as it is by weight swaps and re-warms); with the tail scorer by the Stepper's tail
 * probability. Every accepted point yields one {@link ForecastRecord} carrying the model version; warm keys feed
 * their score to the {@link AlertRule}, whose transitions go to {@code anomalies}. The state, the outputs and the
 * input offset commit together under {@code exactly_once_v2}.
 *
 * <p>A wall-clock punctuator deletes keys idle for longer than the TTL. One instance per task; the
 * {@link Stepper} (scratch buffers) is rebuilt when the {@link ModelHolder} has a new model, between records.
 */
public final class ForecastProcessor implements Processor<String, byte[], String, byte[]> {
    public static final String FORECASTS_SINK = "forecasts-sink";
    public static final String ANOMALIES_SINK = "anomalies-sink";
    public static final String DLQ_SINK = "dlq-sink";

    private final ServingSpec spec;
    private final ModelHolder holder;
    private final ServingMetrics metrics;
    private final ServingEvents events;
    private final double intervalZ;
    private final ForecastJsonWriter forecastJson = new ForecastJsonWriter();
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;
    private LoadedModel model;
    private Stepper stepper;
    /** The season in steps of the current model's step (0: no seasonal reference). */
    private int seasonSteps;

    public ForecastProcessor(ServingSpec spec, ModelHolder holder, ServingMetrics metrics, ServingEvents events) {
        this.spec = spec;
        this.holder = holder;
        this.metrics = metrics;
        this.events = events;
        this.intervalZ = Gaussian.quantile(0.5 + spec.intervalLevel() / 2);
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(spec.storeName());
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
        String key = record.key() != null ? record.key() : point.series();
        if (key == null || point.windowStart() == null) {
            deadLetter(record, "malformed-point", "point has no series key or window start");
            metrics.invalid();
            return;
        }
        if (!Double.isFinite(point.mean())) {
            deadLetter(record, "non-finite-value", "point mean is " + point.mean());
            metrics.invalid();
            return;
        }
        ensureStepper();
        long ts = point.windowStart().toEpochMilli();
        byte[] stored = store.get(key);
        KeyState state = stored == null ? newState() : StoredState.decode(stored, spec.keyNovelty());
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
        if (stepper.needsRewarm(state, model.version())) {
            state = rewarm(state);
        }
        boolean novelty = state.novelty != null;
        StepResult r = novelty ? ScoredStep.observe(stepper, state, state.novelty, seasonSteps, ts, point.mean())
                : stepper.observe(state, ts, point.mean());
        boolean cold = state.steps < spec.coldSteps();
        // The tail score of a point without a prediction is 0 by definition, not a measurement; a novelty score is
        // one (as in detect, which scores every point).
        boolean alertable = !cold && (r.scored || novelty);
        AlertRule.Transition transition = alertable ? spec.alertRule().update(state, r.score) : AlertRule.Transition.NONE;
        metrics.stepNanos(System.nanoTime() - start);
        store.put(key, StoredState.encode(state, context.currentSystemTimeMs()));

        metrics.point();
        metrics.gapsFilled(r.gapsFilled);
        if (r.stateReset) {
            metrics.stateReset();
        }
        List<ForecastRecord.Step> steps = new ArrayList<>(r.horizon());
        for (int k = 0; k < r.horizon(); k++) {
            steps.add(new ForecastRecord.Step(Instant.ofEpochMilli(r.timestamps[k]), r.mean[k], r.lower[k], r.upper[k]));
        }
        ForecastRecord forecast = new ForecastRecord(key, point.windowStart(), point.mean(), model.version(), cold,
                spec.intervalLevel(), steps);
        context.forward(record.withKey(key).withValue(forecastJson.write(forecast)).withHeaders(new RecordHeaders()), FORECASTS_SINK);
        metrics.forecast(cold);
        events.forecast(forecast);
        if (transition != AlertRule.Transition.NONE) {
            AnomalyRecord alert = new AnomalyRecord(key, point.windowStart(), point.mean(), r.expected,
                    r.expected - intervalZ * r.sigma, r.expected + intervalZ * r.sigma, r.score,
                    transition == AlertRule.Transition.OPEN ? AnomalyRecord.State.OPEN : AnomalyRecord.State.RESOLVED,
                    model.version());
            context.forward(record.withKey(key).withValue(WireJson.write(alert)).withHeaders(new RecordHeaders()), ANOMALIES_SINK);
            if (transition == AlertRule.Transition.OPEN) {
                metrics.alertOpened();
            } else {
                metrics.alertResolved();
            }
            events.anomaly(alert);
        }
    }

    /** Picks up a newly swapped-in model (or waits for the first one) and builds this task's stepper for it. */
    private void ensureStepper() {
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
            stepper = new Stepper(now.forecaster(), now.header().normalizer(), now.header().stepMillis(),
                    spec.intervalLevel(), spec.maxGapSteps(), spec.ringCapacity());
            seasonSteps = spec.seasonSteps(now.header().stepMillis());
        }
    }

    /** A new key's state under the current model, with a fresh novelty state when scoring by novelty. */
    private KeyState newState() {
        KeyState s = stepper.newState(model.version());
        if (spec.keyNovelty() != null) {
            s.novelty = new NoveltyScore(spec.keyNovelty());
        }
        return s;
    }

    /**
     * Rebuilds a state made under other weights: its recurrent state is replayed from the ring under the current
     * model. A different architecture or ring size gets a fresh state of the right shape carrying over the
     * normaliser, timestamps, alert, novelty state and remembered inputs ({@link Stepper#rewarmedCopy}).
     */
    private KeyState rewarm(KeyState old) {
        KeyState s = old;
        if (old.recurrent.length != model.header().spec().stateSize() || old.ringCapacity() != spec.ringCapacity()) {
            s = stepper.rewarmedCopy(old, model.version());
        } else {
            stepper.rewarm(s, model.version());
        }
        metrics.rewarm();
        return s;
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

    /** Deletes keys idle (wall clock) for longer than the TTL; also refreshes the key gauges. */
    private void evictIdle(long now) {
        long cutoff = now - spec.stateTtl().toMillis();
        List<String> idle = new ArrayList<>();
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
                }
            }
        }
        for (String k : idle) {
            store.delete(k);
        }
        metrics.evicted(idle.size());
        metrics.keys(context.taskId().toString(), total, cold);
    }
}
