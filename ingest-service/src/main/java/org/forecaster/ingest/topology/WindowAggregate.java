package org.forecaster.ingest.topology;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.RawEvent;

/**
 * The running aggregate of one window: count, sum, min, max, and the value with the latest event time
 * ({@code last}; on equal times the later arrival wins). Immutable; stored as 48 fixed bytes.
 */
record WindowAggregate(long count, double sum, double min, double max, double last, long lastTs) {
    static final WindowAggregate EMPTY = new WindowAggregate(0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Long.MIN_VALUE);
    private static final int BYTES = 6 * 8;

    WindowAggregate add(RawEvent e) {
        long t = e.ts().toEpochMilli();
        double v = e.value();
        boolean latest = t >= lastTs;
        return new WindowAggregate(count + 1, sum + v, Math.min(min, v), Math.max(max, v), latest ? v : last, latest ? t : lastTs);
    }

    Point toPoint(String series, long windowStartMs, long windowEndMs) {
        return new Point(series, Instant.ofEpochMilli(windowStartMs), Instant.ofEpochMilli(windowEndMs), count, sum / count, min, max, last);
    }

    static Serde<WindowAggregate> serde() {
        Serializer<WindowAggregate> ser = (topic, a) -> a == null ? null : ByteBuffer.allocate(BYTES)
                .putLong(a.count).putDouble(a.sum).putDouble(a.min).putDouble(a.max).putDouble(a.last).putLong(a.lastTs).array();
        Deserializer<WindowAggregate> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            if (b.length != BYTES) {
                throw new IllegalArgumentException("window aggregate has " + b.length + " bytes, expected " + BYTES);
            }
            ByteBuffer bb = ByteBuffer.wrap(b);
            return new WindowAggregate(bb.getLong(), bb.getDouble(), bb.getDouble(), bb.getDouble(), bb.getDouble(), bb.getLong());
        };
        return Serdes.serdeFrom(ser, de);
    }
}
