package org.forecaster.core.wire;

import java.util.function.Function;

/**
 * The form a writer puts points on {@code telemetry.points} in. {@link #BINARY} is the default; {@link #JSON} is the
 * form of releases before issue 18, for a rolling upgrade while some reader still runs one of them. Both read back
 * with {@link PointReader}.
 */
public enum PointFormat {
    /** {@link PointBinary}, version 1. */
    BINARY,
    /** The JSON object {@link WireJson#write} gives, byte for byte. */
    JSON;

    /**
     * A new writer of this form. Not thread-safe (the JSON one reuses a buffer): one per thread or stream task.
     * Each call of the writer returns a new array sized exactly.
     */
    public Function<Point, byte[]> newWriter() {
        return switch (this) {
            case BINARY -> PointBinary::write;
            case JSON -> new ForecastJsonWriter()::write;
        };
    }
}
