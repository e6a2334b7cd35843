package org.forecaster.core.wire;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;
import java.util.List;

/**
 * The forecast made after one point, on {@code forecasts}: the observed point, the model version that made
 * it, whether the key is still cold (too few points seen for its forecasts and alerts to mean much), and
 * K horizon steps with interval bounds at {@code level}. The observed value is written exactly (as a double); each
 * step's numbers at the model's float precision where that loses nothing a reader could use ({@link Step#atFloatPrecision});
 * the level at float precision ({@link FloatPrecisionSerializer}, {@link ForecastJsonWriter}).
 */
public record ForecastRecord(String series, Instant observedTs, double observedValue,
                             long modelVersion, boolean cold,
                             @JsonSerialize(using = FloatPrecisionSerializer.class) double level, List<Step> steps) {
    public ForecastRecord {
        steps = List.copyOf(steps);
    }

    /** One horizon step: its time, mean and interval. */
    @JsonSerialize(using = FloatPrecisionSerializer.StepSerializer.class)
    public record Step(Instant ts, double mean, double lower, double upper) {
        /**
         * A step's number {@code v} is written in float form ({@code Float.toString((float) v)}'s text) when that is
         * within {@link #OF_HALF_WIDTH} of the step's interval half-width of v, else as a double (exactly). The model
         * computes in float32 on normalised values, so its precision is relative to the series' spread, not to its
         * magnitude: a gauge near 1.7e9 (epoch seconds) with a spread of 100 has a float grain of 128, coarser than its
         * forecast, and keeps every digit; a series near 200 with an interval of +-10 is written as {@code 213.04706}.
         */
        public static final double OF_HALF_WIDTH = 1e-4;

        /** Whether {@code v} goes out in float form with this step's interval half-width {@code halfWidth}. */
        public static boolean atFloatPrecision(double v, double halfWidth) {
            float f = (float) v;
            // The float's shortest decimal lies within one float ulp of v (half from rounding to float, half from
            // the decimal); NaN or a non-positive half-width fails the comparison and keeps the double.
            return Float.isFinite(f) && Math.ulp(f) <= OF_HALF_WIDTH * halfWidth;
        }

        /** The step's interval half-width, which {@link #atFloatPrecision} measures the float grain against. */
        public double halfWidth() {
            return (upper - lower) / 2;
        }
    }
}
