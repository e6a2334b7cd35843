package org.forecaster.core.optim;

/** Clipping by global gradient norm (Pascanu et al. 2013, seed 000): rescales all gradients together. */
public final class GlobalNormClipping {
    private GlobalNormClipping() {}

    /**
     * Scales {@code grads} in place so their L2 norm is at most {@code maxNorm}; returns the norm before
     * clipping (NaN or infinite if a gradient is, which the caller must treat as a failed step).
     */
    public static double clip(float[] grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max gradient norm must be positive, got " + maxNorm);
        }
        double sq = 0;
        for (float g : grads) {
            sq += (double) g * g;
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm && Double.isFinite(norm)) {
            float s = (float) (maxNorm / norm);
            for (int i = 0; i < grads.length; i++) {
                grads[i] *= s;
            }
        }
        return norm;
    }
}
