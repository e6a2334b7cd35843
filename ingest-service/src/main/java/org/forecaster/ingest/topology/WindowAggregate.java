package org.forecaster.ingest.topology;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.forecaster.core.wire.Point;

/**
 * The running aggregate of one window: count, sum, min, max, and the value with the latest event time
 * ({@code last}; on equal times the later arrival wins). Immutable; stored as {@value #BYTES} fixed bytes.
 */
record WindowAggregate(long count, double sum, double min, double max, double last, long lastTs) {
    static final WindowAggregate EMPTY = new WindowAggregate(0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Long.MIN_VALUE);
    static final int BYTES = 6 * 8;

    WindowAggregate add(long t, double v) {
        boolean latest = t >= lastTs;
        return new WindowAggregate(count + 1, sum + v, Math.min(min, v), Math.max(max, v), latest ? v : last, latest ? t : lastTs);
    }

    Point toPoint(String series, long windowStartMs, long windowEndMs) {
        return new Point(series, Instant.ofEpochMilli(windowStartMs), Instant.ofEpochMilli(windowEndMs), count, sum / count, min, max, last);
    }

    void writeTo(ByteBuffer b) {
        b.putLong(count).putDouble(sum).putDouble(min).putDouble(max).putDouble(last).putLong(lastTs);
    }

    static WindowAggregate readFrom(ByteBuffer b) {
        return new WindowAggregate(b.getLong(), b.getDouble(), b.getDouble(), b.getDouble(), b.getDouble(), b.getLong());
    }
}
