package org.forecaster.core.baseline;

/**
 * The value one season before the target: {@code y[t + h - season * k]} with {@code k = ceil(h / season)}, the
 * latest observed step of the same phase (Hyndman and Athanasopoulos, Forecasting: Principles and Practice, 5.2).
 * A missing value is replaced by its own forecast, the value one season before it. NaN while the series is
 * shorter than a season. No parameters.
 */
public final class SeasonalNaiveForecast implements Baseline, FittedBaseline {
    public static final String NAME = "seasonal-naive";

    private final int season;

    /** @param season steps per season (288 for a day of 5-minute steps) */
    public SeasonalNaiveForecast(int season) {
        if (season < 1) {
            throw new IllegalArgumentException("season must be >= 1 step, got " + season);
        }
        this.season = season;
    }

    public int season() {
        return season;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FittedBaseline fit(double[] values, int fitEnd) {
        Baselines.checkPrefix(values, fitEnd);
        return this;
    }

    @Override
    public String describe() {
        return NAME + "(season=" + season + ")";
    }

    @Override
    public HorizonForecasts walk(double[] values, int maxHorizon) {
        Baselines.checkHorizon(maxHorizon);
        int n = values.length;
        // filled[i]: values[i], or when missing the forecast of it made at i - 1 (the filled value one season back).
        double[] filled = new double[n];
        for (int i = 0; i < n; i++) {
            filled[i] = !Double.isNaN(values[i]) ? values[i] : i >= season ? filled[i - season] : Double.NaN;
        }
        double[] out = new double[n * maxHorizon];
        for (int t = 0; t < n; t++) {
            for (int h = 1; h <= maxHorizon; h++) {
                int k = (h + season - 1) / season;
                int source = t + h - season * k; // <= t: never looks past the origin
                out[t * maxHorizon + h - 1] = source >= 0 ? filled[source] : Double.NaN;
            }
        }
        return new HorizonForecasts(n, maxHorizon, out);
    }
}
