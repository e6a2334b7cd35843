package org.forecaster.core.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * Jackson's form of a forecast's double at the model's float precision, the number rule of {@link ForecastJsonWriter}:
 * {@code Float.toString((float) v)}; NaN, infinities and doubles beyond float's range as Jackson writes any double.
 * On {@link ForecastRecord}'s doubles, so that {@link WireJson#write} of a forecast (the REST API's, the CLI's) is
 * byte for byte what the stream writes on {@code forecasts}. It is also the simple reference the writer's tests
 * compare {@link FloatDecimal}'s output with.
 */
public final class FloatPrecisionSerializer extends StdSerializer<Double> {
    public FloatPrecisionSerializer() {
        super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        double v = value;
        float f = (float) v;
        if (Float.isFinite(f)) {
            gen.writeNumber(Float.toString(f));
        } else {
            gen.writeNumber(v);
        }
    }
}
