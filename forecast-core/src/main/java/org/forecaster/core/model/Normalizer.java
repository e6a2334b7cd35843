package org.forecaster.core.model;

/**
 * A series' running mean and scale (see {@link NormalizerSpec}), the same arithmetic in training and in
 * serving so the network sees identical inputs in both. The three numbers are part of a key's state.
 * Mutable, not thread-safe.
 */
public final class Normalizer {
    private final NormalizerSpec spec;
    private long count;
    private double mean;
    private double variance;

    public Normalizer(NormalizerSpec spec) {
        this.spec = spec;
    }

    /** Restores saved statistics (from a key's state). */
    public void set(long count, double mean, double variance) {
        if (count < 0 || !Double.isFinite(mean) || !(variance >= 0) || Double.isInfinite(variance)) {
            throw new IllegalArgumentException("bad normalizer state: count " + count + ", mean " + mean + ", variance " + variance);
        }
        this.count = count;
        this.mean = mean;
        this.variance = variance;
    }

    public void reset() {
        count = 0;
        mean = 0;
        variance = 0;
    }

    /** Folds one observed value in. */
    public void update(double value) {
        count++;
        double alpha = Math.max(1.0 / count, spec.minAlpha());
        double delta = value - mean;
        mean += alpha * delta;
        variance = (1 - alpha) * (variance + alpha * delta * delta);
    }

    public double scale() {
        return Math.max(Math.sqrt(variance), spec.epsilon() * (Math.abs(mean) + 1));
    }

    public double normalize(double value) {
        return (value - mean) / scale();
    }

    public double denormalize(double z) {
        return mean + z * scale();
    }

    public long count() {
        return count;
    }

    public double mean() {
        return mean;
    }

    public double variance() {
        return variance;
    }

    public NormalizerSpec spec() {
        return spec;
    }
}
