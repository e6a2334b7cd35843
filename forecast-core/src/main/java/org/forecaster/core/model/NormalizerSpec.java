package org.forecaster.core.model;

/**
 * How a series is normalised before it enters the network: a running mean and variance per series, updated
 * with the exponential weight {@code max(1/n, minAlpha)} at the n-th point (a plain average while few points
 * have been seen, an exponential average with time constant about {@code 1/minAlpha} points afterwards).
 * The scale is the standard deviation, floored at {@code epsilon * (|mean| + 1)} so a flat series does
 * not divide by zero (see {@link Normalizer}).
 *
 * @param minAlpha smallest update weight, in {@code (0, 1]}; 1 means the statistics follow the last point only
 * @param epsilon  relative scale floor, positive
 */
public record NormalizerSpec(double minAlpha, double epsilon) {
    /** Time constant of about 500 points; scale floor 0.1 % of the level. */
    public static final NormalizerSpec DEFAULT = new NormalizerSpec(0.002, 1e-3);

    public NormalizerSpec {
        // Negated comparisons so that NaN fails them too.
        if (!(minAlpha > 0 && minAlpha <= 1)) {
            throw new IllegalArgumentException("normalizer minAlpha must be in (0, 1], got " + minAlpha);
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("normalizer epsilon must be positive and finite, got " + epsilon);
        }
    }
}
