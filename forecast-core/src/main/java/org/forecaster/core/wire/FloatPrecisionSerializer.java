package org.forecaster.core.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * Jackson's form of a forecast's numbers, the number rule of {@link ForecastJsonWriter}: the level as
 * {@code Float.toString((float) v)}, a step's numbers so where {@link ForecastRecord.Step#atFloatPrecision} allows
 * ({@link StepSerializer}); NaN, infinities, doubles beyond float's range and the rest as Jackson writes any double.
 * On {@link ForecastRecord}, so that {@link WireJson#write} of a forecast (the REST API's, the CLI's) is byte for byte
 * what the stream writes on {@code forecasts}. It is also the simple reference the writer's tests
 * compare {@link FloatDecimal}'s output with.
 */
public final class FloatPrecisionSerializer extends StdSerializer<Double> {
    public FloatPrecisionSerializer() {
        super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        write(value, Float.isFinite((float) (double) value), gen);
    }

    private static void write(double v, boolean asFloat, JsonGenerator gen) throws IOException {
        if (asFloat) {
            gen.writeNumber(Float.toString((float) v));
        } else {
            gen.writeNumber(v);
        }
    }

    /**
     * A forecast step as {@link ForecastJsonWriter} writes it: {@code ts}, then {@code mean}, {@code lower},
     * {@code upper} each in float form where {@link ForecastRecord.Step#atFloatPrecision} allows, else as a double.
     */
    public static final class StepSerializer extends StdSerializer<ForecastRecord.Step> {
        public StepSerializer() {
            super(ForecastRecord.Step.class);
        }

        @Override
        public void serialize(ForecastRecord.Step s, JsonGenerator gen, SerializerProvider provider) throws IOException {
            double half = s.halfWidth();
            gen.writeStartObject();
            provider.defaultSerializeField("ts", s.ts(), gen);
            gen.writeFieldName("mean");
            write(s.mean(), ForecastRecord.Step.atFloatPrecision(s.mean(), half), gen);
            gen.writeFieldName("lower");
            write(s.lower(), ForecastRecord.Step.atFloatPrecision(s.lower(), half), gen);
            gen.writeFieldName("upper");
            write(s.upper(), ForecastRecord.Step.atFloatPrecision(s.upper(), half), gen);
            gen.writeEndObject();
        }
    }
}
