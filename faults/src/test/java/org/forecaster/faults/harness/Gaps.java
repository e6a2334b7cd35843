package org.forecaster.faults.harness;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * How long a topic's output stalled, measured afterwards from the brokers' append times (the topics of
 * {@code deploy/topics.properties} use LogAppendTime): while input keeps flowing, every series gets a record every
 * few hundred milliseconds, so the longest time between two consecutive records of a series is the stall a fault
 * caused. No polling during the fault, so measuring does not slow recovery.
 */
public final class Gaps {
    /** The longest gap: {@code millis} between two consecutive records of {@code key}, the second appended at {@code endMs}. */
    public record Gap(String key, long millis, long endMs) {
        @Override
        public String toString() {
            return String.format("%.1f s (%s)", millis / 1000.0, key);
        }
    }

    private Gaps() {}

    /**
     * The longest gap over all keys between consecutive records appended within [{@code fromMs}, {@code toMs}]
     * (epoch milliseconds); fails if a record does not carry LogAppendTime, since its timestamp would then be event time.
     */
    public static Gap longest(List<ConsumerRecord<String, byte[]>> records, long fromMs, long toMs) {
        Map<String, Long> last = new HashMap<>();
        Gap longest = new Gap("none", 0, fromMs);
        for (ConsumerRecord<String, byte[]> r : records) { // offset order per partition, so append order per key
            if (r.timestampType() != TimestampType.LOG_APPEND_TIME) {
                throw new IllegalArgumentException(r.topic() + " does not use LogAppendTime (" + r.timestampType() + ")");
            }
            if (r.timestamp() < fromMs || r.timestamp() > toMs) {
                continue;
            }
            Long previous = last.put(r.key(), r.timestamp());
            if (previous != null && r.timestamp() - previous > longest.millis()) {
                longest = new Gap(r.key(), r.timestamp() - previous, r.timestamp());
            }
        }
        return longest;
    }
}
