package org.forecaster.ingest.topology;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Marks events that the windowed aggregation would drop silently as late, so they are dead-lettered.
 * It applies the aggregation's own rule in the same task: stream time is the largest event time seen
 * on this partition, and an event is late when its window's end plus grace is at or before it. Stream
 * time lives in a changelogged store, so lateness survives a restart (the aggregation's own observed
 * time does not; after a restart we dead-letter events whose window was already emitted, which the
 * aggregation alone would re-open).
 */
final class LatenessProcessor implements FixedKeyProcessor<String, Routed, Routed> {
    private final String storeName;
    private final long stepMs;
    private final long graceMs;
    private FixedKeyProcessorContext<String, Routed> context;
    private KeyValueStore<Integer, Long> store;
    private int partition;
    private long streamTime;

    LatenessProcessor(String storeName, long stepMs, long graceMs) {
        this.storeName = storeName;
        this.stepMs = stepMs;
        this.graceMs = graceMs;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Routed> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.partition = context.taskId().partition();
        Long saved = store.get(partition);
        this.streamTime = saved == null ? Long.MIN_VALUE : saved;
    }

    @Override
    public void process(FixedKeyRecord<String, Routed> record) {
        long ts = record.timestamp();
        if (ts > streamTime) {
            streamTime = ts;
            store.put(partition, ts);
        }
        long windowEnd = ts - Math.floorMod(ts, stepMs) + stepMs;
        if (windowEnd + graceMs <= streamTime) {
            context.forward(record.withValue(record.value().rejected("late", "event at " + java.time.Instant.ofEpochMilli(ts)
                    + " arrived after its window closed (window end + grace " + java.time.Instant.ofEpochMilli(windowEnd + graceMs)
                    + " <= stream time " + java.time.Instant.ofEpochMilli(streamTime) + ")")));
        } else {
            context.forward(record);
        }
    }
}
