package org.forecaster.core.wire;

import java.time.Instant;
import java.util.List;

/**
 * The forecast made after one point, on {@code forecasts}: the observed point, the model version that made
 * it, whether the key is still cold (too few points seen for its forecasts and alerts to mean much), and
 * K horizon steps with interval bounds at {@code level}.
 */
public record ForecastRecord(String series, Instant observedTs, double observedValue, long modelVersion, boolean cold,
                             double level, List<Step> steps) {
    public ForecastRecord {
        steps = List.copyOf(steps);
    }

    /** One horizon step: its time, mean and interval. */
    public record Step(Instant ts, double mean, double lower, double upper) {}
}
