package org.forecaster.serving.topology;

import io.quarkus.logging.Log;
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
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.forecaster.core.online.PointStep;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.StoredState;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastJsonWriter;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import org.forecaster.serving.weights.LoadedModel;
import org.forecaster.serving.weights.ModelHolder;
import org.forecaster.serving.metrics.ServingMetrics;
import org.forecaster.streams.CommitHook;

/**
 * The Kafka side of the per-point step: decodes a point, sorts out what is not stepped, runs core's
 * {@link PointStep} (re-warm, step, score, cold and alert rules: the code path of {@code forecast detect} and the
 * REST views too) and stores and forwards what it returns.
 *
 * <p>Per point (value = the window's mean, time = its start): a duplicate of the key's last window is counted
 * and ignored; an older window, a malformed record, a non-finite value, a window start out of range, a stored state
 * that cannot be decoded or a step that throws goes to the DLQ with a reason (a poison point never fails the task); every
 * other point yields one forecast on {@code forecasts} and, when it opens or resolves an alert, an alert on
 * {@code anomalies}, also appended to the key's {@link AlertLog}. The state, the alert log, the outputs and the input
 * offset commit together under {@code exactly_once_v2}.
 *
 * <p>A wall-clock punctuator deletes keys idle for longer than the TTL (resolving an alert they left open) and opens {@code silent} alerts for keys that
 * stopped reporting (their next point resolves them); a silence it could not see (a replay far faster than real time)
 * is opened when the key's point returns ({@link #silenceMissed}). One instance per task; the
 * {@link PointStep} (scratch buffers) is rebuilt when the {@link ModelHolder} has a new model, between records.
 *
 * <p>Micro-batches (issue 18): points are gathered, up to {@code batch.max-points}, and applied together (their
 * keys stepped at once through the batched kernels) when the batch is full, before a point of a key it already
 * holds, after {@code batch.max-wait}, at every commit ({@link CommitHook}) and at close; outputs come in input
 * order and equal one-at-a-time stepping byte for byte. So a commit never covers a point whose state and outputs
 * it does not hold.
 */
public final class ForecastProcessor implements Processor<String, byte[], String, byte[]> {
    /** The task's {@link CommitHook}, at which the micro-batch is flushed. */
    static final String COMMIT_HOOK = "batch-commit-hook";
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
    /** Each record's point is read into this (reused: a binary point builds no Point object, end time or series id). */
    private final PointReader.Fields pointFields = new PointReader.Fields();
    /** Encodes and decodes the per-point states through one reused buffer: no ByteBuffer per point. */
    private final StoredState.Buffer stateBuffer = new StoredState.Buffer();
    /** What a gathered point is waiting for: a step, or its dead letter or duplicate count. */
    private static final byte STEP = 0, DUPLICATE = 1, INVALID = 2, LATE = 3;

    private ProcessorContext<String, byte[]> context;
    /**
     * The context's internal side, to forward a batch from the commit hook (as Kafka Streams' own cache flush
     * does) under each record's context; null for a context without it, which then steps each point as it comes.
     */
    private InternalProcessorContext<String, byte[]> internal;
    private ProcessorNode<?, ?, ?, ?> node;
    private KeyValueStore<String, byte[]> store;
    /** Each key's last alert transitions ({@link AlertLog}), for the dashboard. */
    private KeyValueStore<String, byte[]> alertLog;
    private LoadedModel model;
    private PointStep step;
    /** Keys stepped together at most: the batch, or 1 where the kernels' sums would differ by batch (see PointStep). */
    private int width = 1;

    /** The gathered points, input order, preallocated at {@code spec.batchMaxPoints()}: nothing allocated per point. */
    private final int maxPoints;
    private int pending;
    private final Record<String, byte[]>[] records;
    private final ProcessorRecordContext[] recordContexts;
    private final String[] keys;
    private final int[] keyHashes;
    private final Instant[] windowStarts;
    private final double[] means;
    /** The points' windows: events, lowest and highest, by which the score and the alert kinds judge a point. */
    private final long[] counts;
    private final double[] mins, maxs;
    private final byte[] status;
    private final String[] deadReasons, deadMessages;
    private final byte[][] stored;
    private final KeyState[] states;
    /**
     * Reused states, one per batch slot: slot {@code i}'s stored bytes are decoded into {@code pool[i]} (every field
     * overwritten, see {@link StoredState#decode(byte[], org.forecaster.core.anomaly.NoveltyScore.Spec,
     * org.forecaster.core.anomaly.AlertKinds.Spec, KeyState)}), so a point allocates no state of its own. Safe because
     * a batch holds a key once and nothing keeps a state past {@link #flush}: it is encoded into the store before.
     */
    private final KeyState[] pool;
    private final PointStep.Outcome[] outcomes;
    /**
     * Silent alerts opened when a key's point returns after a gap the wall-clock scan did not see (see
     * {@link #silenceMissed}), forwarded just before that point's own outputs; null for none.
     */
    private final AnomalyRecord[] missedSilences;
    /** One call's worth of the batch (the points still to step), up to {@link #width}. */
    private final int[] chunkSlots;
    private final String[] chunkKeys;
    private final KeyState[] chunkStates;
    private final Instant[] chunkStarts;
    private final double[] chunkMeans;
    private final long[] chunkCounts;
    private final double[] chunkMins, chunkMaxs;
    /**
     * The task's first wall-clock reading ({@link #noteStart}; none yet: MIN_VALUE), and the newest point time it has stepped
     * (none yet: MIN_VALUE).
     */
    private long startedAt = Long.MIN_VALUE;
    private long newestPoint = Long.MIN_VALUE;
    /** The newest point time stepped before {@link #newestPoint} (none: MIN_VALUE), for {@link #silenceMissed}. */
    private long newestBefore = Long.MIN_VALUE;

    public ForecastProcessor(ServingSpec spec, ModelHolder holder, ServingMetrics metrics, ServingEvents events) {
        this.spec = spec;
        this.holder = holder;
        this.metrics = metrics;
        this.events = events;
        this.maxPoints = spec.batchMaxPoints();
        @SuppressWarnings("unchecked")
        Record<String, byte[]>[] r = new Record[maxPoints];
        this.records = r;
        this.recordContexts = new ProcessorRecordContext[maxPoints];
        this.keys = new String[maxPoints];
        this.keyHashes = new int[maxPoints];
        this.windowStarts = new Instant[maxPoints];
        this.means = new double[maxPoints];
        this.counts = new long[maxPoints];
        this.mins = new double[maxPoints];
        this.maxs = new double[maxPoints];
        this.status = new byte[maxPoints];
        this.deadReasons = new String[maxPoints];
        this.deadMessages = new String[maxPoints];
        this.stored = new byte[maxPoints][];
        this.states = new KeyState[maxPoints];
        this.pool = new KeyState[maxPoints];
        this.outcomes = new PointStep.Outcome[maxPoints];
        this.missedSilences = new AnomalyRecord[maxPoints];
        this.chunkSlots = new int[maxPoints];
        this.chunkKeys = new String[maxPoints];
        this.chunkStates = new KeyState[maxPoints];
        this.chunkStarts = new Instant[maxPoints];
        this.chunkMeans = new double[maxPoints];
        this.chunkCounts = new long[maxPoints];
        this.chunkMins = new double[maxPoints];
        this.chunkMaxs = new double[maxPoints];
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(spec.storeName());
        this.alertLog = context.getStateStore(AlertLog.STORE);
        context.schedule(spec.ttlScanInterval(), PunctuationType.WALL_CLOCK_TIME, wallClock -> evictIdle(noteStart(wallClock)));
        if (maxPoints > 1 && context instanceof InternalProcessorContext<String, byte[]> ipc) {
            internal = ipc;
            node = ipc.currentNode();
            CommitHook hook = context.getStateStore(COMMIT_HOOK);
            hook.onCommit(this::flush);
            context.schedule(spec.batchMaxWait(), PunctuationType.WALL_CLOCK_TIME, now -> flush());
        }
    }

    /**
     * Notes the task's start at its first wall-clock reading, and returns that reading. Not read in {@link #init}:
     * Kafka Streams sets a task's wall clock only when it first processes or punctuates, so there it reads 0, and
     * after a restart every key not seen for the silent time before it was called silent at the first scan while the
     * backlog was still being worked off.
     */
    private long noteStart(long now) {
        if (startedAt == Long.MIN_VALUE) {
            startedAt = now;
        }
        return now;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        noteStart(context.currentSystemTimeMs());
        PointReader.Fields point = pointFields;
        try {
            PointReader.read(record.value(), point);
        } catch (IllegalArgumentException | NullPointerException e) {
            gatherDead(record, null, INVALID, "malformed-point", e.getMessage());
            return;
        }
        String key = record.key() != null && !record.key().isEmpty() ? record.key() : point.series();
        if (key == null || key.isEmpty() || point.windowStart() == null) {
            gatherDead(record, null, INVALID, "malformed-point", "point has no series key or window start");
            return;
        }
        if (!Double.isFinite(point.mean())) {
            gatherDead(record, key, INVALID, "non-finite-value", "point mean is " + point.mean());
            return;
        }
        Instant windowStart = point.windowStart();
        if (windowStart.isBefore(EARLIEST_WINDOW) || windowStart.isAfter(LATEST_WINDOW)) {
            // Such a time overflows epoch milliseconds or the calendar features; thrown, it would fail the task
            // and be retried forever (issue 17).
            gatherDead(record, key, INVALID, "bad-window-start", "window start " + windowStart + " is outside "
                    + EARLIEST_WINDOW + " .. " + LATEST_WINDOW);
            return;
        }
        ensureStep();
        int i = gather(record, key);
        windowStarts[i] = windowStart;
        means[i] = point.mean();
        counts[i] = point.count();
        mins[i] = point.min();
        maxs[i] = point.max();
        status[i] = STEP;
        afterGather();
    }

    /**
     * Adds {@code record} to the batch (after applying the batch first if it holds {@code key} already: a key's
     * points are stepped in order, one per batch) and returns its slot.
     */
    private int gather(Record<String, byte[]> record, String key) {
        if (key != null && holds(key)) {
            flush();
        }
        int i = pending++;
        records[i] = record;
        keys[i] = key;
        keyHashes[i] = key == null ? 0 : key.hashCode();
        recordContexts[i] = internal == null ? null : internal.recordContext();
        return i;
    }

    /** A point that is dead-lettered without being stepped, in its place among the batch's outputs. */
    private void gatherDead(Record<String, byte[]> record, String key, byte kind, String reason, String message) {
        int i = gather(record, key);
        status[i] = kind;
        deadReasons[i] = reason;
        deadMessages[i] = message;
        afterGather();
    }

    private void afterGather() {
        if (pending >= maxPoints || internal == null) {
            flush();
        }
    }

    /** Whether the batch holds a point of {@code key}: a scan of cached hashes, no allocation. */
    private boolean holds(String key) {
        int h = key.hashCode();
        for (int j = 0; j < pending; j++) {
            if (keyHashes[j] == h && key.equals(keys[j])) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies the gathered points in their input order: decodes the keys' states, sorts out duplicates, late
     * points and undecodable states, steps the rest together ({@link PointStep#observe(int, String[], KeyState[],
     * Instant[], double[])}, as many at once as the kernels allow without changing a bit), then stores each state
     * and forwards each output (forecast, alert, dead letter) in input order, each under its own record's
     * context. Runs when the batch is full, at a repeated key, by the wait punctuator, at every commit
     * ({@link CommitHook}) and at close.
     */
    private void flush() {
        int n = pending;
        if (n == 0) {
            return;
        }
        ProcessorRecordContext callerContext = internal == null ? null : internal.recordContext();
        ProcessorNode<?, ?, ?, ?> callerNode = internal == null ? null : internal.currentNode();
        try {
            if (internal != null) {
                internal.setCurrentNode(node);
            }
            metrics.batch(n);
            decodeAll(n);
            stepAll(n);
            for (int i = 0; i < n; i++) {
                if (internal != null) {
                    internal.setRecordContext(recordContexts[i]);
                }
                emit(i);
            }
        } finally {
            for (int i = 0; i < n; i++) {
                records[i] = null;
                keys[i] = null;
                recordContexts[i] = null;
                windowStarts[i] = null;
                stored[i] = null;
                states[i] = null;
                outcomes[i] = null;
                missedSilences[i] = null;
                deadReasons[i] = null;
                deadMessages[i] = null;
            }
            pending = 0;
            if (internal != null) {
                internal.setRecordContext(callerContext);
                internal.setCurrentNode(callerNode);
            }
        }
    }

    /**
     * The stored states of the points to step; duplicates, late points and undecodable states are set aside. A key
     * whose point returns after a gap that other keys' points had already passed opens its missed silence here
     * ({@link #silenceMissed}), before the point resolves it.
     */
    private void decodeAll(int n) {
        long newest = newestPoint, before = newestBefore;
        for (int i = 0; i < n; i++) {
            if (status[i] != STEP) {
                continue;
            }
            byte[] bytes = store.get(keys[i]);
            stored[i] = bytes;
            KeyState state;
            try {
                state = bytes == null ? step.newState() : decodePooled(i, bytes);
            } catch (RuntimeException e) {
                // The stored state stays as it is, for inspection; the key's points go to the DLQ until it expires.
                dead(i, INVALID, "bad-state", "stored state of " + keys[i] + " cannot be decoded: " + e.getMessage());
                continue;
            }
            states[i] = state;
            if (state.lastTimestamp != KeyState.NO_TIMESTAMP) {
                long ts = windowStarts[i].toEpochMilli();
                if (ts == state.lastTimestamp) {
                    status[i] = DUPLICATE;
                } else if (ts < state.lastTimestamp) {
                    dead(i, LATE, "late", "window " + windowStarts[i] + " is older than the key's last window "
                            + Instant.ofEpochMilli(state.lastTimestamp));
                }
            }
            if (status[i] == STEP) {
                long ts = windowStarts[i].toEpochMilli();
                missedSilences[i] = silenceMissed(keys[i], state, ts, newest < ts ? newest : before < ts ? before : Long.MIN_VALUE);
                before = ts > newest ? newest : ts < newest ? Math.max(before, ts) : before;
                newest = Math.max(newest, ts);
            }
        }
    }

    /**
     * The silent alert the wall-clock scan missed for a key whose point at {@code ts} returns after the silent time,
     * when other keys' points had moved on meanwhile: the task had stepped a point ({@code moved}: the newest before
     * {@code ts}) at or past the time the key became silent. So a replay far faster than real time (the scan needs the
     * silent time by the wall clock too) or a gap shorter than the scan's interval still tells; an outage of the whole
     * pipeline (every key back at once) or a key replayed from a file after others does not. Opened on {@code state} at
     * that time, it is resolved by the point itself; null when the scan saw it (the alert is open) or the key may not
     * alert yet.
     */
    private AnomalyRecord silenceMissed(String key, KeyState state, long ts, long moved) {
        long silentMillis = step.silentMillis();
        if (silentMillis == 0 || state.lastTimestamp == KeyState.NO_TIMESTAMP) {
            return null;
        }
        long due = state.lastTimestamp + silentMillis;
        return ts > due && moved >= due ? step.silence(key, state, Instant.ofEpochMilli(due)) : null;
    }

    /** Decodes slot {@code i}'s stored state into its pooled state (a new one when the shape changed, kept for next time). */
    private KeyState decodePooled(int i, byte[] bytes) {
        KeyState state = stateBuffer.decode(bytes, spec.keyNovelty(), spec.alertKinds(), pool[i]);
        pool[i] = state;
        return state;
    }

    /** Steps the points still to step, up to {@link #width} at a time, in input order. */
    private void stepAll(int n) {
        int i = 0;
        while (i < n) {
            int m = 0;
            for (; i < n && m < width; i++) {
                if (status[i] == STEP) {
                    chunkSlots[m] = i;
                    chunkKeys[m] = keys[i];
                    chunkStates[m] = states[i];
                    chunkStarts[m] = windowStarts[i];
                    chunkMeans[m] = means[i];
                    chunkCounts[m] = counts[i];
                    chunkMins[m] = mins[i];
                    chunkMaxs[m] = maxs[i];
                    m++;
                }
            }
            if (m > 0) {
                stepChunk(m);
            }
        }
        for (int j = 0; j < width; j++) {
            chunkKeys[j] = null;
            chunkStates[j] = null;
            chunkStarts[j] = null;
        }
    }

    private void stepChunk(int m) {
        long start = System.nanoTime();
        PointStep.Outcome[] out;
        try {
            out = step.observe(m, chunkKeys, chunkStates, chunkStarts, chunkMeans, chunkCounts, chunkMins, chunkMaxs);
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException | DateTimeException e) {
            // Some states of the chunk may be half re-warmed: each point again alone, from its stored bytes.
            for (int j = 0; j < m; j++) {
                stepAlone(chunkSlots[j]);
            }
            return;
        }
        long perPoint = (System.nanoTime() - start) / m;
        metrics.batchStepped(m);
        for (int j = 0; j < m; j++) {
            outcomes[chunkSlots[j]] = out[j];
            metrics.stepNanos(perPoint);
        }
    }

    private void stepAlone(int i) {
        long start = System.nanoTime();
        try {
            KeyState state = stored[i] == null ? step.newState() : decodePooled(i, stored[i]);
            if (missedSilences[i] != null) {
                step.silence(keys[i], state, missedSilences[i].ts()); // decoded afresh: open it again
            }
            outcomes[i] = step.observe(keys[i], state, windowStarts[i], means[i], counts[i], mins[i], maxs[i]);
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException | DateTimeException e) {
            // Nothing was stored: the key's state is as before this point.
            dead(i, INVALID, "unprocessable-point", e.toString());
            return;
        }
        metrics.stepNanos(System.nanoTime() - start);
    }

    private void dead(int i, byte kind, String reason, String message) {
        status[i] = kind;
        deadReasons[i] = reason;
        deadMessages[i] = message;
    }

    /** Stores and forwards what point {@code i} of the batch produced, or dead-letters or counts it. */
    private void emit(int i) {
        Record<String, byte[]> record = records[i];
        switch (status[i]) {
            case DUPLICATE -> metrics.duplicate();
            case INVALID, LATE -> {
                deadLetter(record, deadReasons[i], deadMessages[i]);
                if (status[i] == LATE) {
                    metrics.late();
                } else {
                    metrics.invalid();
                }
            }
            default -> {
                PointStep.Outcome out = outcomes[i];
                String key = keys[i];
                AnomalyRecord missed = missedSilences[i];
                if (missed != null) {
                    context.forward(new Record<>(key, WireJson.write(missed), missed.ts().toEpochMilli()), ANOMALIES_SINK);
                    counted(key, missed);
                }
                long t = windowStarts[i].toEpochMilli();
                newestBefore = t > newestPoint ? newestPoint : t < newestPoint ? Math.max(newestBefore, t) : newestBefore;
                newestPoint = Math.max(newestPoint, t);
                store.put(key, stateBuffer.encode(out.state(), context.currentSystemTimeMs()));
                metrics.point();
                if (out.rewarmed()) {
                    metrics.rewarm();
                }
                metrics.gapsFilled(out.result().gapsFilled);
                if (out.result().stateReset) {
                    metrics.stateReset();
                }
                // The input's time, no headers: one record, where withKey, withValue, withHeaders made three (each
                // with its own copy of the headers).
                context.forward(new Record<>(key, forecastJson.write(out.forecast()), record.timestamp()), FORECASTS_SINK);
                metrics.forecast(out.cold());
                events.forecast(out.forecast());
                AnomalyRecord alert = out.alert();
                if (alert != null) {
                    context.forward(new Record<>(key, WireJson.write(alert), record.timestamp()), ANOMALIES_SINK);
                    counted(key, alert);
                }
            }
        }
    }

    /** Counts an alert transition of {@code key}, appends it to the key's {@link AlertLog} and publishes it. */
    private void counted(String key, AnomalyRecord alert) {
        if (alert.state() == AnomalyRecord.State.OPEN) {
            metrics.alertOpened();
        } else {
            metrics.alertResolved();
        }
        byte[] log = alertLog.get(key);
        try {
            alertLog.put(key, AlertLog.append(log, alert));
        } catch (IllegalArgumentException e) {
            // The log only feeds the dashboard: one that cannot be read restarts rather than failing the task.
            Log.warnf(e, "alert log of %s cannot be read; starting it again", key);
            alertLog.put(key, AlertLog.append(null, alert));
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
            // The batch was gathered for the old step's scratch; a swap between records applies it first.
            flush();
            model = now;
            step = spec.pointStep(now);
            width = step.reserveBatch(maxPoints);
        }
    }

    @Override
    public void close() {
        // Kafka Streams closes the processor before it commits a suspended task (rebalance, shutdown): its last
        // gathered points go into that commit.
        flush();
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

    /**
     * Sends the RESOLVED of an idle key's open alert before its state is deleted ({@link PointStep#forget}), dated the
     * TTL after its last point: nothing else would ever close it.
     */
    private void resolveForgotten(String key) {
        byte[] stored = store.get(key);
        if (step == null || stored == null || !StoredState.alertOpen(stored)) {
            return;
        }
        KeyState state = StoredState.decode(stored, spec.keyNovelty(), spec.alertKinds());
        long ts = state.lastTimestamp + spec.stateTtl().toMillis();
        AnomalyRecord resolved = step.forget(key, state, Instant.ofEpochMilli(ts));
        if (resolved != null) {
            context.forward(new Record<>(key, WireJson.write(resolved), ts), ANOMALIES_SINK);
            counted(key, resolved);
        }
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
        counted(key, alert);
    }

    /**
     * Deletes keys idle (wall clock) for longer than the TTL; also refreshes the key gauges, and opens a
     * {@code silent} alert for each key without a point for {@link PointStep#silentMillis} both by wall clock (since
     * its last point or, after a restart or rebalance, since this task started: a backlog is not silence) and by
     * point time (the newest point this task has stepped is that far past the key's last one: a consumer that lags
     * behind, or a replay faster than real time, does not make keys silent here; {@link #silenceMissed} opens such a
     * silence when the key returns). So nothing is silent while no point at
     * all arrives (an outage of the whole pipeline is for the pipeline's own alerts), and the check runs only as
     * often as this scan ({@code ttl-scan-interval}).
     */
    private void evictIdle(long now) {
        flush(); // the gathered points first: their keys are not idle, and their states are the newest
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
            resolveForgotten(k);
            store.delete(k);
            alertLog.delete(k);
        }
        for (String k : silent) {
            silence(k);
        }
        metrics.evicted(idle.size());
        metrics.keys(context.taskId().toString(), total, cold);
    }
}
