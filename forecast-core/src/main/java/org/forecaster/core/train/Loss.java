package org.forecaster.core.train;

import org.forecaster.core.stats.Gaussian;

/**
 * Per-step loss of the head's output {@code [mu_1..mu_K, s_1..s_K]} (normalised units)
 * against the next K normalised values, {@code sigma = exp(Gaussian.logScale(s))}. Missing targets (NaN) contribute nothing.
 */
public enum Loss {
    /** Gaussian negative log-likelihood {@code log sigma + (y-mu)^2 / (2 sigma^2) + log(2 pi)/2}: trains means and scales. */
    GAUSSIAN_NLL,
    /** Squared error {@code (y-mu)^2} on the means only; the log-scales get no gradient. */
    MSE;

    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    /**
     * Adds this step's loss gradient, scaled by {@code weight}, into {@code dOut[dOff .. dOff+2K)} and
     * returns the unscaled loss summed over the valid targets; {@code counted[0]} is increased by their number.
     */
    public double accumulate(float[] out, int off, int horizon, float[] targets, int tOff,
                             float weight, float[] dOut, int dOff, int[] counted) {
        double sum = 0;
        for (int k = 0; k < horizon; k++) {
            float y = targets[tOff + k];
            if (Float.isNaN(y)) {
                continue;
            }
            counted[0]++;
            float mu = out[off + k];
            float err = mu - y;
            if (this == MSE) {
                sum += (double) err * err;
                dOut[dOff + k] += weight * 2 * err;
                continue;
            }
            float s = out[off + horizon + k];
            double ls = Gaussian.logScale(s);
            double invVar = Math.exp(-2.0 * ls);
            sum += ls + 0.5 * err * err * invVar + HALF_LOG_TWO_PI;
            dOut[dOff + k] += (float) (weight * err * invVar);
            if (ls < Gaussian.MAX_LOG_SCALE) {
                double dSoftplus = 1 / (1 + Math.exp(-(s - Gaussian.MIN_LOG_SCALE))); // d softplus(u)/du = sigmoid(u)
                dOut[dOff + horizon + k] += (float) (weight * (1 - err * err * invVar) * dSoftplus);
            }
        }
        return sum;
    }
}
