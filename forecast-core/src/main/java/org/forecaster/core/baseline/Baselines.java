package org.forecaster.core.baseline;

import java.util.List;

/** The standard set of baselines and the MASE scale that goes with them. */
public final class Baselines {
    private Baselines() {}

    /** Naive, seasonal naive and Holt-Winters (default grid) for a season of {@code season} steps, in that order. */
    public static List<Baseline> standard(int season) {
        return List.of(new NaiveForecast(), new SeasonalNaiveForecast(season), new HoltWinters(season));
    }

    /**
     * The M4 competition's MASE denominator: the mean absolute difference between each value in
     * {@code values[season, fitEnd)} and the value one season before it (pairs with a NaN skipped), i.e. the
     * in-sample one-step error of seasonal naive. NaN when there is no such pair; 0 for a series that repeats
     * itself exactly, which cannot scale anything (callers should leave such a series out and say so).
     */
    public static double seasonalNaiveScale(double[] values, int fitEnd, int season) {
        checkPrefix(values, fitEnd);
        if (season < 1) {
            throw new IllegalArgumentException("season must be >= 1 step, got " + season);
        }
        double sum = 0;
        long n = 0;
        for (int t = season; t < fitEnd; t++) {
            if (!Double.isNaN(values[t]) && !Double.isNaN(values[t - season])) {
                sum += Math.abs(values[t] - values[t - season]);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** A {@code float[]} series as doubles (NaN stays NaN). */
    public static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    static void checkPrefix(double[] values, int fitEnd) {
        if (fitEnd < 1 || fitEnd > values.length) {
            throw new IllegalArgumentException("fitting prefix of " + fitEnd + " steps must lie within the series of "
                    + values.length + " steps and hold at least one");
        }
    }

    static void checkHorizon(int maxHorizon) {
        if (maxHorizon < 1) {
            throw new IllegalArgumentException("horizon must be >= 1 step, got " + maxHorizon);
        }
    }
}
