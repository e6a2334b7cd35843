package org.forecaster.core.baseline;

import java.util.Arrays;

/**
 * The last observed value, for every horizon (random-walk forecast). A missing value is replaced by its forecast,
 * which is the last observed value again. No parameters; NaN before the first observed value.
 */
public final class NaiveForecast implements Baseline, FittedBaseline {
    public static final String NAME = "naive";

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
        return NAME;
    }

    @Override
    public HorizonForecasts walk(double[] values, int maxHorizon) {
        Baselines.checkHorizon(maxHorizon);
        double[] out = new double[values.length * maxHorizon];
        double last = Double.NaN;
        for (int t = 0; t < values.length; t++) {
            if (!Double.isNaN(values[t])) {
                last = values[t];
            }
            Arrays.fill(out, t * maxHorizon, (t + 1) * maxHorizon, last);
        }
        return new HorizonForecasts(values.length, maxHorizon, out);
    }
}
