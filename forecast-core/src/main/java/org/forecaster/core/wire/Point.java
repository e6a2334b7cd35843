package org.forecaster.core.wire;

import java.time.Instant;

/**
 * One closed window of a series on {@code telemetry.points}: the aggregate of the raw events whose time
 * falls in {@code [windowStart, windowEnd)}. The model consumes {@link #mean()} as the step's value.
 */
public record Point(String series, Instant windowStart, Instant windowEnd, long count, double mean, double min,
                    double max, double last) {

    /** Events a window needs for its {@link #extreme}: with two, both are as far from the mean. */
    public static final int EXTREME_MIN_COUNT = 3;

    /** The largest distance of one of this window's events from its mean, for the alert kinds' outliers; see {@link #extreme(long, double, double, double)}. */
    public double extreme() {
        return extreme(count, mean, min, max);
    }

    /**
     * The largest distance of one of a window's {@code count} events from their {@code mean}: a one-scrape spike
     * that the mean dilutes stands out whole in it. NaN for a window of fewer than {@value #EXTREME_MIN_COUNT} events,
     * and for one whose min and max do not bracket its mean (a point written without them reads them as 0).
     */
    public static double extreme(long count, double mean, double min, double max) {
        if (count < EXTREME_MIN_COUNT || !(min <= mean && mean <= max)) {
            return Double.NaN;
        }
        double extreme = Math.max(max - mean, mean - min);
        return Double.isFinite(extreme) ? extreme : Double.NaN;
    }

    /**
     * The mean of a window's {@code count} events without its lowest and highest one (the median of three): one wild
     * scrape moves a window's mean, not this. The {@code mean} itself for a window of fewer than {@value
     * #EXTREME_MIN_COUNT} events or one whose min and max do not bracket it.
     */
    public static double trimmedMean(long count, double mean, double min, double max) {
        if (count < EXTREME_MIN_COUNT || !(min <= mean && mean <= max)) {
            return mean;
        }
        double trimmed = (count * mean - min - max) / (count - 2);
        // Rounding may put it a hair outside [min, max]; a non-finite sum (huge values) falls back on the mean.
        return Double.isFinite(trimmed) ? Math.max(min, Math.min(max, trimmed)) : mean;
    }
}
