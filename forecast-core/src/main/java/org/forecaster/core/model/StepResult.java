package org.forecaster.core.model;

/**
 * What one observed point produced: how it scored against the prediction made before it, and the new
 * K-step forecast. Reused by its {@link Stepper} for every point (read it before the next call).
 */
public final class StepResult {
    /** Missing steps fed before this point. */
    public int gapsFilled;
    /** Whether the key's recurrent state was reset because the gap exceeded the limit. */
    public boolean stateReset;
    /** Whether a prediction existed to score this point against; if not, the Stepper's {@link #score} is 0. */
    public boolean scored;
    /**
     * One-step-ahead prediction of this point (raw units), its scale, and the anomaly score in [0, 1]: the
     * Stepper's two-sided tail probability, or the scorer's when the point went through
     * {@code online.ScoredStep}.
     */
    public double expected, sigma, score;
    /**
     * The one-step prediction the key published for this point before its carried error: {@link #expected} with the
     * network's correction weighed by the key ({@code Stepper.CORRECTION_RATE}); NaN when not {@link #scored}.
     */
    double weighed;
    /** The forecast for the next K steps: timestamps, means and interval bounds (raw units). */
    public final long[] timestamps;
    public final double[] mean, lower, upper;

    StepResult(int horizon) {
        timestamps = new long[horizon];
        mean = new double[horizon];
        lower = new double[horizon];
        upper = new double[horizon];
    }

    public int horizon() {
        return mean.length;
    }
}
