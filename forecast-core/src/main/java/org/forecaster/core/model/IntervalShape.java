package org.forecaster.core.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * How much wider or narrower than the model's own sigma a forecast interval is at each horizon, relative to the first
 * step. The per-key calibration ({@code Stepper}) fits a key's interval scale on its one-step misses only and applies
 * that scale at every horizon; where the model's sigma grows with the horizon faster than its errors do (the bundled
 * model: a 95 % interval covered 95.5 % at h = 1 and 97.1-97.7 % at h = 12 on generated telemetry), the far intervals
 * are too wide. The shape is fitted on a held-back slice when a model is made ({@code IntervalShapeFit}) and stored in
 * the model header's metrics as {@code interval.shape.h<k>} for k = 2..K; h = 1 is always 1 (the per-key calibration's
 * own horizon), and a missing entry is 1, so older models keep their intervals.
 */
public final class IntervalShape {
    /** Metric key prefix: {@code interval.shape.h2} is the factor at horizon 2. */
    public static final String METRIC_PREFIX = "interval.shape.h";
    /** Bounds a stored factor must lie in; a fit is clamped to them, a file outside them is refused. */
    public static final double MIN = 0.25, MAX = 4;

    private final double[] widths;

    private IntervalShape(double[] widths) {
        this.widths = widths;
    }

    /** Every horizon at the model's own sigma (times the key's scale): the shape of a model without one. */
    public static IntervalShape flat(int horizon) {
        double[] w = new double[horizon];
        Arrays.fill(w, 1);
        return new IntervalShape(w);
    }

    /**
     * A shape of the given factors, horizon 1 first.
     *
     * @throws IllegalArgumentException when the first is not 1 or any lies outside [{@link #MIN}, {@link #MAX}]
     */
    public static IntervalShape of(double... widths) {
        if (widths.length == 0 || widths[0] != 1) {
            throw new IllegalArgumentException("an interval shape starts with 1 at horizon 1, got " + Arrays.toString(widths));
        }
        for (int k = 1; k < widths.length; k++) {
            check(k + 1, widths[k]);
        }
        return new IntervalShape(widths.clone());
    }

    /**
     * The shape stored in a model header's metrics for a model of {@code horizon} steps; 1 where no entry is.
     *
     * @throws IllegalArgumentException for an entry of another horizon (h1, beyond K, not a number) or out of bounds
     */
    public static IntervalShape fromMetrics(Map<String, Double> metrics, int horizon) {
        double[] w = new double[horizon];
        Arrays.fill(w, 1);
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (!e.getKey().startsWith(METRIC_PREFIX)) {
                continue;
            }
            String suffix = e.getKey().substring(METRIC_PREFIX.length());
            int h = suffix.matches("[1-9][0-9]{0,3}") ? Integer.parseInt(suffix) : -1;
            if (h < 2 || h > horizon) {
                throw new IllegalArgumentException("metric " + e.getKey() + " names no horizon in 2.." + horizon
                        + " of the model (h1 is always 1)");
            }
            check(h, e.getValue());
            w[h - 1] = e.getValue();
        }
        return new IntervalShape(w);
    }

    private static void check(int h, double width) {
        if (!(width >= MIN && width <= MAX)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "interval shape at h%d must be in [%s, %s], got %s", h, MIN, MAX, width));
        }
    }

    /** Writes the factors of horizons 2..K into {@code metrics}, as {@link #fromMetrics} reads them. */
    public void putInto(Map<String, Double> metrics) {
        for (int k = 1; k < widths.length; k++) {
            metrics.put(METRIC_PREFIX + (k + 1), widths[k]);
        }
    }

    public int horizon() {
        return widths.length;
    }

    /** The factor at step {@code k} ahead, 0-based (0 is h = 1). */
    public double width(int k) {
        return widths[k];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntervalShape s && Arrays.equals(widths, s.widths);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(widths);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("IntervalShape[");
        for (int k = 0; k < widths.length; k++) {
            b.append(k == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", widths[k]));
        }
        return b.append(']').toString();
    }
}
