package org.forecaster.core.baseline;

/** A {@link Baseline} with its parameters chosen: walks any series (usually the one it was fitted on). Immutable. */
public interface FittedBaseline {
    /** The baseline's name and chosen parameters, e.g. {@code holt-winters(alpha=0.2, beta=0, gamma=0.05)}. */
    String describe();

    /**
     * Runs over {@code values} from the first step and returns, for every origin {@code t} in
     * {@code [0, values.length)}, the forecasts of {@code values[t + h]} for {@code h = 1..maxHorizon} made after
     * observing {@code values[0..t]}. A missing value (NaN) is replaced by the baseline's own forecast of it, so
     * time moves on. Forecasts the baseline cannot make yet (seasonal naive in its first season) are NaN.
     *
     * @throws IllegalArgumentException if {@code maxHorizon < 1}
     */
    HorizonForecasts walk(double[] values, int maxHorizon);

    /** {@link #walk} on a {@code float[]} series, widened to double. */
    default HorizonForecasts walk(float[] values, int maxHorizon) {
        return walk(Baselines.toDoubles(values), maxHorizon);
    }
}
