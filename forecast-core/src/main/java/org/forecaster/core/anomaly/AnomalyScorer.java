package org.forecaster.core.anomaly;

/**
 * A per-key anomaly score that is folded forward one point at a time: the score of a point depends on that point
 * and earlier ones only. One instance per key; implementations are mutable and not thread-safe.
 */
public interface AnomalyScorer {
    /**
     * Scores {@code value} against the one-step prediction {@code (expected, sigma)} made before it (NaN when there
     * is none) and {@code seasonal}, the value one season before this point (NaN when unknown), and folds the point
     * into the scorer's state. Returns a score in [0, 1].
     */
    double update(double expected, double sigma, double value, double seasonal);
}
