package org.forecaster.ingest.topology;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A window task's view of every raw partition's progress, from its {@link RawProgress} records and the re-keyed events
 * it carried (issue 16). Its {@link #watermark} bounds how far the windows of a series that comes through the re-key
 * may close: a raw partition whose task has not yet delivered any of a series' events still holds that series back,
 * because its progress covers all series.
 *
 * <p>The watermark is the least high-water mark over the raw partitions heard from within the idle time that are not
 * idle (a partition without unkeyed events holds nothing back, as in Flink's idleness). It is {@link Long#MIN_VALUE}
 * (hold everything) until every raw partition has been heard from since this task started, or the idle time has
 * passed: after a start or a rebalance, a partition whose task is still catching up must not be skipped. Mutable, not
 * thread-safe.
 */
final class RawPartitionWatermark {
    /** What is known of one raw partition: its announced partition count, high-water mark, when heard, and idleness. */
    record Partition(int partitions, long highWater, long heardWallMs, boolean idle) {
        static final int BYTES = 4 + 8 + 8 + 1;

        byte[] encode() {
            return ByteBuffer.allocate(BYTES).putInt(partitions).putLong(highWater).putLong(heardWallMs)
                    .put((byte) (idle ? 1 : 0)).array();
        }

        static Partition decode(byte[] bytes) {
            if (bytes.length != BYTES) {
                throw new IllegalArgumentException("raw partition progress of " + bytes.length + " bytes, expected " + BYTES);
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new Partition(b.getInt(), b.getLong(), b.getLong(), b.get() != 0);
        }
    }

    private final long idleMs;
    private final long startedAtMs;
    private final Map<Integer, Partition> partitions = new HashMap<>();
    private final Set<Integer> heardSinceStart = new HashSet<>();

    RawPartitionWatermark(long idleMs, long startedAtMs) {
        this.idleMs = idleMs;
        this.startedAtMs = startedAtMs;
    }

    /** Restores what an earlier task knew; it does not count as heard since this one started. */
    void restore(int partition, Partition known) {
        partitions.put(partition, known);
    }

    /** Notes a progress record; returns the partition's merged state (to store). */
    Partition heard(RawProgress p, long nowWallMs) {
        Partition old = partitions.get(p.partition());
        // Maxima: a restarted re-key task starts again below what it had already forwarded.
        Partition merged = old == null ? new Partition(p.partitions(), p.highWater(), nowWallMs, p.idle())
                : new Partition(Math.max(old.partitions(), p.partitions()), Math.max(old.highWater(), p.highWater()), nowWallMs, p.idle());
        partitions.put(p.partition(), merged);
        heardSinceStart.add(p.partition());
        return merged;
    }

    /** Notes a re-keyed event at {@code ts} from raw partition {@code partition}: that partition is active. */
    void carried(int partition, long ts, long nowWallMs) {
        Partition old = partitions.get(partition);
        partitions.put(partition, old == null ? new Partition(0, ts, nowWallMs, false)
                : new Partition(old.partitions(), Math.max(old.highWater(), ts), nowWallMs, false));
        heardSinceStart.add(partition);
    }

    /**
     * The least high-water mark over the active raw partitions ({@link Long#MAX_VALUE} when none is), or
     * {@link Long#MIN_VALUE} while this task is still waiting to hear from every partition.
     */
    long watermark(long nowWallMs) {
        if (!heardFromAll() && nowWallMs - startedAtMs < idleMs) {
            return Long.MIN_VALUE;
        }
        long w = Long.MAX_VALUE;
        for (Partition p : partitions.values()) {
            if (!p.idle() && nowWallMs - p.heardWallMs() <= idleMs) {
                w = Math.min(w, p.highWater());
            }
        }
        return w;
    }

    private boolean heardFromAll() {
        int count = 0;
        for (Partition p : partitions.values()) {
            count = Math.max(count, p.partitions());
        }
        for (int i = 0; i < count; i++) {
            if (!heardSinceStart.contains(i)) {
                return false;
            }
        }
        return count > 0;
    }
}
