package org.forecaster.ingest.topology;

import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Keys unkeyed events by their series for the re-key topic, and tells every window task how far this raw partition
 * has got (issue 16): a {@link RawProgress} record with the largest event time forwarded so far, multicast to every
 * partition by {@link RekeyPartitioner}. It goes out every {@value #PROGRESS_EVERY} events, every
 * {@link #PROGRESS_INTERVAL} of wall-clock time, and right after the first event since the task started or went idle.
 * Because a progress record follows this task's events on each re-key partition, a window task that reads it has
 * already read every event it covers.
 */
final class RekeyProcessor implements Processor<String, Routed, String, Routed> {
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);
    static final int PROGRESS_EVERY = 1_000;

    private final long idleMs;
    private final RekeyPartitioner partitioner;
    private ProcessorContext<String, Routed> context;
    private int partition;
    private long highWater = Long.MIN_VALUE;
    /** The task's first wall-clock reading ({@link #now}); {@link Long#MIN_VALUE} before it. */
    private long startedAtMs = Long.MIN_VALUE;
    private long lastForwardedMs = Long.MIN_VALUE;
    private int sinceProgress;

    RekeyProcessor(Duration idleClose, RekeyPartitioner partitioner) {
        this.idleMs = idleClose.toMillis();
        this.partitioner = partitioner;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.partition = context.taskId().partition(); // the re-key runs in the raw topic's sub-topology
        context.schedule(PROGRESS_INTERVAL, PunctuationType.WALL_CLOCK_TIME, wallClock -> announce(now()));
    }

    /**
     * The task's wall clock; the first reading is the task's start. Not read in {@link #init}: Kafka Streams sets a
     * task's wall clock only when it first processes or punctuates, so there it is 0, and every raw partition whose
     * task had forwarded nothing yet was announced idle at once (issue 16: a window task then closed the windows of
     * series whose older chunks that partition had yet to re-key).
     */
    private long now() {
        long now = context.currentSystemTimeMs();
        if (startedAtMs == Long.MIN_VALUE) {
            startedAtMs = now;
        }
        return now;
    }

    @Override
    public void process(Record<String, Routed> record) {
        long now = now();
        boolean first = lastForwardedMs == Long.MIN_VALUE || idle(now);
        highWater = Math.max(highWater, record.value().event().ts().toEpochMilli());
        lastForwardedMs = now;
        context.forward(record.withKey(record.value().event().series()));
        if (first || ++sinceProgress >= PROGRESS_EVERY) {
            announce(now);
        }
    }

    private boolean idle(long now) {
        return now - Math.max(startedAtMs, lastForwardedMs) > idleMs;
    }

    private void announce(long now) {
        sinceProgress = 0;
        RawProgress p = new RawProgress(partition, partitioner.partitionCount(), highWater, idle(now));
        // Stamped with the partition's event time, as its events are; 0 before any (a timestamp must not be negative).
        context.forward(new Record<>(RawProgress.KEY, Routed.progress(p), Math.max(highWater, 0)));
    }
}
