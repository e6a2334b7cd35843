package org.forecaster.core.wire;

import java.time.Instant;

/**
 * One closed window of a series on {@code telemetry.points}: the aggregate of the raw events whose time
 * falls in {@code [windowStart, windowEnd)}. The model consumes {@link #mean()} as the step's value.
 */
public record Point(String series, Instant windowStart, Instant windowEnd, long count, double mean, double min,
                    double max, double last) {}
