package org.forecaster.core.baseline;

/**
 * A statistical forecaster that the LSTM must beat: fitted on a prefix of one series, then walked over the whole
 * series giving forecasts for h = 1..K steps ahead at every origin ({@link FittedBaseline#walk}). Used by
 * {@code forecast scenario score} and by the trainer's champion/challenger gate (issue 15), so both compare a
 * model with the same references on the same points.
 *
 * <p>Series are regularly spaced {@code double[]} values with NaN for a missing step. A baseline never looks
 * past its origin: the forecasts made at origin {@code t} depend only on {@code values[0..t]}. Implementations
 * are immutable and thread-safe.
 */
public interface Baseline {
    /** A short stable name for tables and metrics: {@code naive}, {@code seasonal-naive}, {@code holt-winters}. */
    String name();

    /**
     * Chooses the baseline's parameters (if it has any) from {@code values[0, fitEnd)}.
     *
     * @throws IllegalArgumentException when the prefix is too short for this baseline (the message says how long
     *                                  it must be) or {@code fitEnd} lies outside the array
     */
    FittedBaseline fit(double[] values, int fitEnd);

    /** {@link #fit} on a {@code float[]} series (the trainer's {@code Series} values), widened to double. */
    default FittedBaseline fit(float[] values, int fitEnd) {
        return fit(Baselines.toDoubles(values), fitEnd);
    }
}
