package org.forecaster.core.baseline;

/**
 * Forecasts for h = 1..{@link #maxHorizon()} steps ahead at every origin of a series: {@code get(t, h)} is the
 * forecast of step {@code t + h} made after observing steps {@code 0..t}. NaN where no forecast could be made.
 * Stored as one flat array (origins x horizons); immutable once built.
 */
public final class HorizonForecasts {
    private final int origins;
    private final int maxHorizon;
    private final double[] forecasts;

    /**
     * Takes ownership of {@code forecasts}, laid out as {@code [origin * maxHorizon + (h - 1)]}. Public so that a
     * candidate model's forecasts, or a {@link Baseline} outside this package, can be put in the same shape and scored
     * by the same {@link #meanAbsoluteErrors}.
     */
    public HorizonForecasts(int origins, int maxHorizon, double[] forecasts) {
        if (origins < 0 || maxHorizon < 1 || forecasts.length != (long) origins * maxHorizon) {
            throw new IllegalArgumentException("forecasts of " + origins + " origins x " + maxHorizon + " horizons need "
                    + (long) origins * maxHorizon + " values, got " + forecasts.length);
        }
        this.origins = origins;
        this.maxHorizon = maxHorizon;
        this.forecasts = forecasts;
    }

    /** Number of origins: the length of the walked series. */
    public int origins() {
        return origins;
    }

    public int maxHorizon() {
        return maxHorizon;
    }

    /** The forecast of step {@code origin + h} made at {@code origin}, or NaN. */
    public double get(int origin, int h) {
        if (origin < 0 || origin >= origins || h < 1 || h > maxHorizon) {
            throw new IndexOutOfBoundsException("origin " + origin + " of " + origins + ", horizon " + h + " of 1.." + maxHorizon);
        }
        return forecasts[origin * maxHorizon + h - 1];
    }

    /**
     * Mean absolute error per horizon of the forecasts made at origins in {@code [fromOrigin, untilOrigin)} against
     * {@code actual}: element {@code h - 1} averages {@code |get(t, h) - actual[t + h]|} over the origins whose
     * target lies inside {@code actual} and where neither value is NaN; NaN for a horizon with no such pair.
     */
    public double[] meanAbsoluteErrors(double[] actual, int fromOrigin, int untilOrigin) {
        if (fromOrigin < 0 || untilOrigin > origins || fromOrigin > untilOrigin) {
            throw new IllegalArgumentException("origins [" + fromOrigin + ", " + untilOrigin + ") outside [0, " + origins + ")");
        }
        double[] sum = new double[maxHorizon];
        long[] count = new long[maxHorizon];
        for (int t = fromOrigin; t < untilOrigin; t++) {
            for (int h = 1; h <= maxHorizon && t + h < actual.length; h++) {
                double f = forecasts[t * maxHorizon + h - 1];
                double a = actual[t + h];
                if (!Double.isNaN(f) && !Double.isNaN(a)) {
                    sum[h - 1] += Math.abs(f - a);
                    count[h - 1]++;
                }
            }
        }
        double[] mae = new double[maxHorizon];
        for (int h = 0; h < maxHorizon; h++) {
            mae[h] = count[h] == 0 ? Double.NaN : sum[h] / count[h];
        }
        return mae;
    }
}
