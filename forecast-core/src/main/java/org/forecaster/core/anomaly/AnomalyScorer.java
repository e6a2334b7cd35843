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

    /**
     * As {@link #update(double, double, double, double)}, with {@code seasonalForecast} the key's seasonal profile's
     * forecast of this point (NaN when unknown): where the value one season before is unknown (a ring shorter than a
     * season, as the model service's), it stands in as the seasonal reference of the tail, so that a point far off the
     * model's prediction that the season expects (a daily peak the model missed) is not surprising. By default it
     * stands in for every use of the seasonal value.
     */
    default double update(double expected, double sigma, double value, double seasonal, double seasonalForecast) {
        return update(expected, sigma, value, Double.isNaN(seasonal) ? seasonalForecast : seasonal);
    }
}
