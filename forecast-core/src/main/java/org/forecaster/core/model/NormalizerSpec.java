package org.forecaster.core.model;

/**
 * How a series is scaled before it enters the network: a running mean and variance with exponential
 * weight {@code max(1/n, minAlpha)} (so the first points average exactly and later ones adapt slowly),
 * and a scale floor of {@code epsilon * (|mean| + 1)} so a flat series does not divide by zero.
 */
public record NormalizerSpec(double minAlpha, double epsilon) {
    public static final NormalizerSpec DEFAULT = new NormalizerSpec(0.002, 1e-3);

    public NormalizerSpec {
        if (!(minAlpha > 0 && minAlpha <= 1)) {
            throw new IllegalArgumentException("minAlpha must be in (0, 1], got " + minAlpha);
        }
        if (!(epsilon > 0 && Double.isFinite(epsilon))) {
            throw new IllegalArgumentException("epsilon must be positive and finite, got " + epsilon);
        }
    }
}
