package org.forecaster.ingest.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.RawEvent;
import org.forecaster.streams.CommitHook;

/**
 * Tumbling windows per series on the series' own event time (issue 16). An event joins its window unless that
 * window is already closed, in which case it is late; then every window whose end plus grace is at or before the
 * series' watermark closes and becomes a point. The watermark is the least high-water mark over the raw partitions
 * that carried the series within the idle-close time ({@link SeriesWindows#watermark}); for a series that came
 * through the re-key within that time, also over every raw partition's progress ({@link RawPartitionWatermark}, from
 * the {@link RawProgress} records each re-key task multicasts). So an unkeyed backfill whose chunks of one series
 * land on several partitions, re-keyed by tasks at different speeds, loses nothing, even when one partition's task
 * runs far ahead before another has delivered any of the series. A series that sends nothing for {@code idleClose} of
 * wall-clock time has its open windows closed by a punctuator, so its last points do not wait for its next event
 * (the model service then sees any missing steps as gaps).
 *
 * <p>Only the series' own events move its windows; the raw partitions' progress can only hold them back. A backfill
 * or replay of one series, another series' skewed clock (which raises just its raw partition's progress), or the
 * interleaving of unkeyed producers across partitions cannot make its events late. A keyed series is not held back by
 * the raw partitions' progress: an unkeyed backfill of old data must not delay live keyed series. State per series
 * lives in a changelogged key-value store ({@link SeriesWindows}), the raw partitions' progress in another, so both
 * survive restarts with exactly-once.
 *
 * <p>Write-behind: a series' state is worked on in a plain in-memory map, and the series changed since the last
 * commit are written to the (uncached) store when the task commits ({@link CommitHook}, called in
 * {@code StreamTask.prepareCommit} before the producer's flush and the transaction's commit). So the store's
 * changelog gets each changed series once per commit, in the same transaction as the points and dead letters of the
 * events that changed it, and a restore gives exactly the committed state; this replaced Kafka Streams' record cache
 * on the store, whose bookkeeping on every put was the largest cost left (issue 16). Without a commit hook (a test's
 * {@code MockProcessorContext}) every change is written at once.
 */
final class SeriesWindowProcessor implements Processor<String, Routed, String, SeriesWindowProcessor.Output> {
    /** The task's {@link CommitHook}, at which the changed series' state is written back. */
    static final String COMMIT_HOOK = "ingest-commit-hook";
    /** An event to dead-letter (late, or over the series quota), or a closed window's point. */
    record Output(Routed rejected, Point point) {}

    private final String storeName;
    private final String progressStoreName;
    private final long stepMs;
    private final long graceMs;
    private final Duration idleClose;
    private final SeriesQuota quota;
    private final IngestListener listener;
    /** Series of this task with open windows: counted in the instance's quota, given back when the task closes. */
    private int liveInTask;
    private ProcessorContext<String, Output> context;
    private KeyValueStore<String, byte[]> store;
    private KeyValueStore<Integer, byte[]> progressStore;
    /** Made at the task's start ({@link #now}), from what the progress store remembers. */
    private RawPartitionWatermark rawWatermark;
    /**
     * Wall clock at this task's start, its first reading ({@link #now}); {@link Long#MIN_VALUE} before it. A series
     * counts as idle only for time this task has been there to see it.
     */
    private long startedAtMs = Long.MIN_VALUE;
    /**
     * Each series' state as this task last read or changed it: ahead of the store for the {@link #dirty} ones until
     * {@link #writeBack}, equal to it for the others. Cleared after a write-back when it holds more than
     * {@value #MAX_STATES} series (then the store is the only copy and states are decoded from it again), at
     * {@link #init} and at {@link #close}, so it is bounded and never outlives its task's store.
     */
    private final Map<String, SeriesState> states = new HashMap<>();
    private static final int MAX_STATES = 200_000;
    /** The series changed since the last write-back, each once. */
    private final List<SeriesState> dirty = new ArrayList<>();
    /** Whether changes wait for the commit ({@link CommitHook}); false: each is written at once. */
    private boolean writeBehind;
    /** The topic of the last record and whether it is the re-key topic ({@link #rekeyed}). */
    private String lastTopic = "";
    private boolean lastTopicRekeyed;

    /** A series' state in memory, and whether the store is behind it. */
    private static final class SeriesState {
        final String series;
        final SeriesWindows windows;
        boolean dirty;

        SeriesState(String series, SeriesWindows windows) {
            this.series = series;
            this.windows = windows;
        }
    }

    SeriesWindowProcessor(String storeName, String progressStoreName, Duration step, Duration grace, Duration idleClose,
                          SeriesQuota quota, IngestListener listener) {
        this.storeName = storeName;
        this.progressStoreName = progressStoreName;
        this.stepMs = step.toMillis();
        this.graceMs = grace.toMillis();
        this.idleClose = idleClose;
        this.quota = quota;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, Output> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.progressStore = context.getStateStore(progressStoreName);
        // A revived task (Kafka Streams may init the same processor again) starts from its store.
        states.clear();
        dirty.clear();
        CommitHook hook = context.getStateStore(COMMIT_HOOK); // null in a MockProcessorContext without one
        writeBehind = hook != null;
        if (hook != null) {
            hook.onCommit(this::writeBack);
        }
        adoptLiveSeries();
        // Scan a few times per idle period, at most every 30 s, so a quiet series closes within about 1.25x idle-close.
        Duration scan = Duration.ofMillis(Math.clamp(idleClose.toMillis() / 4, 1, 30_000));
        context.schedule(scan, PunctuationType.WALL_CLOCK_TIME, wallClock -> closeIdle(now()));
    }

    /**
     * The task's wall clock; the first reading is the task's start, from which the raw partitions' watermark waits to
     * hear from every raw partition. Not read in {@link #init}: Kafka Streams sets a task's wall clock only when it
     * first processes or punctuates, so there it is 0, which made every task look started long ago (issue 16: a window
     * task then closed re-keyed series' windows on the first raw partitions heard from, before the others had re-keyed
     * their older chunks).
     */
    private long now() {
        long now = context.currentSystemTimeMs();
        if (startedAtMs == Long.MIN_VALUE) {
            startedAtMs = now;
            rawWatermark = new RawPartitionWatermark(idleClose.toMillis(), startedAtMs);
            try (KeyValueIterator<Integer, byte[]> it = progressStore.all()) {
                it.forEachRemaining(kv -> rawWatermark.restore(kv.key, RawPartitionWatermark.Partition.decode(kv.value)));
            }
        }
        return now;
    }

    @Override
    public void process(Record<String, Routed> record) {
        long now = now();
        RawProgress progress = record.value().progress();
        if (progress != null) {
            // Stored once a second per raw partition; the events in between only raise the in-memory view.
            progressStore.put(progress.partition(), rawWatermark.heard(progress, now).encode());
            return;
        }
        RawEvent e = record.value().event();
        String series = record.key();
        boolean rekeyed = rekeyed(context.recordMetadata().map(RecordMetadata::topic).orElse(""));
        if (rekeyed) {
            rawWatermark.carried(record.value().sourcePartition(), e.ts().toEpochMilli(), now);
        }
        SeriesState state = states.get(series);
        boolean isNew = false;
        if (state == null) {
            byte[] stored = store.get(series);
            if (stored == null) {
                isNew = true;
            } else {
                state = new SeriesState(series, SeriesWindows.decode(stored));
                states.put(series, state);
            }
        }
        SeriesWindows s = state == null ? new SeriesWindows() : state.windows;
        long ts = e.ts().toEpochMilli();
        long start = ts - Math.floorMod(ts, stepMs);
        if (start < s.closedBefore) {
            context.forward(record.withValue(new Output(record.value().rejected("late", "event at " + e.ts()
                    + " arrived after its window closed: its series' windows before " + Instant.ofEpochMilli(s.closedBefore)
                    + " are closed (series event time " + Instant.ofEpochMilli(s.highWater) + ", grace " + graceMs + " ms)"),
                    null)));
            return;
        }
        if (s.open.isEmpty() && !(isNew ? quota.admitNew(now) : quota.admitLive())) {
            context.forward(record.withValue(new Output(record.value().rejected("series-quota", (isNew
                    ? "new series refused: over this instance's limit of live series or of new series per minute"
                    : "series refused: this instance has its limit of live series") + " (forecast.ingest.quota.*)"),
                    null)));
            return;
        }
        if (s.open.isEmpty()) {
            liveInTask++;
        }
        if (state == null) {
            state = new SeriesState(series, s);
            states.put(series, state);
        }
        listener.accepted();
        s.add(start, ts, e.value());
        s.heardFrom(record.value().sourcePartition(), ts, now);
        s.lastSeenWallMs = now;
        if (rekeyed) {
            s.rekeyedWallMs = now;
        }
        long watermark = s.watermark(now, idleClose.toMillis());
        if (s.rekeyedWithin(now, idleClose.toMillis())) {
            watermark = Math.min(watermark, rawWatermark.watermark(now));
        }
        // Saturating: a watermark of Long.MIN_VALUE (hold everything) minus grace must not wrap around.
        long closeBefore = watermark < Long.MIN_VALUE + graceMs ? Long.MIN_VALUE : watermark - graceMs;
        emit(series, s.closeUntil(closeBefore, stepMs));
        releaseIfClosed(s);
        changed(state);
    }

    /** Notes that the store is behind {@code state}: written at the next commit, or now without write-behind. */
    private void changed(SeriesState state) {
        if (!writeBehind) {
            store.put(state.series, state.windows.encode());
        } else if (!state.dirty) {
            state.dirty = true;
            dirty.add(state);
        }
    }

    /**
     * Writes every changed series to the store (and so its changelog record to the task's producer). Called at each
     * commit by Kafka Streams, before the transaction that takes the changelog records commits, and before the
     * idle scan reads the store.
     */
    private void writeBack() {
        for (SeriesState state : dirty) {
            store.put(state.series, state.windows.encode());
            state.dirty = false;
        }
        dirty.clear();
        if (states.size() > MAX_STATES) {
            states.clear(); // nothing in it is ahead of the store now
        }
    }

    /** Whether records of {@code topic} came through the re-key topic; the last answer is kept (one topic at a time). */
    private boolean rekeyed(String topic) {
        if (!topic.equals(lastTopic)) {
            lastTopic = topic;
            lastTopicRekeyed = topic.endsWith(IngestTopology.REKEY_TOPIC + "-repartition");
        }
        return lastTopicRekeyed;
    }

    /** Counts the series of restored state that have open windows: they stay live whatever the quota says. */
    private void adoptLiveSeries() {
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                if (!SeriesWindows.decode(it.next().value).open.isEmpty()) {
                    liveInTask++;
                }
            }
        }
        quota.adopt(liveInTask);
    }

    /** A series whose last open window just closed gives its quota slot back. */
    private void releaseIfClosed(SeriesWindows s) {
        if (s.open.isEmpty()) {
            liveInTask--;
            quota.release(1);
        }
    }

    /**
     * Kafka Streams flushes its task's caches (and so calls {@link #writeBack}, {@link CommitHook}) before it closes
     * the task's processors, on a clean close (then commits) and on a dirty one (then aborts, and the store is
     * restored from its committed changelog) alike, so nothing changed is lost here.
     */
    @Override
    public void close() {
        quota.release(liveInTask);
        liveInTask = 0;
        states.clear();
        dirty.clear();
    }

    /**
     * Closes every open window of the series that have sent nothing for {@code idleClose} of wall-clock time since
     * they were last seen or since this task started, whichever is later: after a restart or an outage the backlog
     * on the topic gets a whole idle period to arrive before a series' windows are closed without it.
     */
    private void closeIdle(long now) {
        long cutoff = now - idleClose.toMillis();
        writeBack(); // the scan reads the store
        List<KeyValue<String, SeriesWindows>> idle = new ArrayList<>();
        // Collected first, written after the iterator is closed: stores differ in whether iterators tolerate writes.
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                SeriesWindows s = SeriesWindows.decode(kv.value);
                if (!s.open.isEmpty() && Math.max(s.lastSeenWallMs, startedAtMs) <= cutoff) {
                    idle.add(KeyValue.pair(kv.key, s));
                }
            }
        }
        for (KeyValue<String, SeriesWindows> kv : idle) {
            SeriesState state = states.get(kv.key);
            SeriesWindows s = state != null ? state.windows : kv.value; // the map's copy, kept in step
            emit(kv.key, s.closeUntil(Long.MAX_VALUE, stepMs));
            releaseIfClosed(s);
            store.put(kv.key, s.encode());
        }
    }

    /** Forwards the closed windows' points, each stamped with its window's end (deterministic across restarts). */
    private void emit(String series, List<SeriesWindows.Open> closed) {
        for (SeriesWindows.Open w : closed) {
            listener.windowEmitted();
            Point p = w.aggregate().toPoint(series, w.start(), w.start() + stepMs);
            context.forward(new Record<>(series, new Output(null, p), w.start() + stepMs));
        }
    }
}
