package org.forecaster.core.wire;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;
import java.util.List;

/**
 * The forecast made after one point, on {@code forecasts}: the observed point, the model version that made
 * it, whether the key is still cold (too few points seen for its forecasts and alerts to mean much), and
 * K horizon steps with interval bounds at {@code level}. Its doubles are written at the model's float precision
 * ({@link FloatPrecisionSerializer}, {@link ForecastJsonWriter}): the shortest decimal that reads back as
 * {@code (float) v}.
 */
public record ForecastRecord(String series, Instant observedTs,
                             @JsonSerialize(using = FloatPrecisionSerializer.class) double observedValue,
                             long modelVersion, boolean cold,
                             @JsonSerialize(using = FloatPrecisionSerializer.class) double level, List<Step> steps) {
    public ForecastRecord {
        steps = List.copyOf(steps);
    }

    /** One horizon step: its time, mean and interval. */
    public record Step(Instant ts, @JsonSerialize(using = FloatPrecisionSerializer.class) double mean,
                       @JsonSerialize(using = FloatPrecisionSerializer.class) double lower,
                       @JsonSerialize(using = FloatPrecisionSerializer.class) double upper) {}
}
