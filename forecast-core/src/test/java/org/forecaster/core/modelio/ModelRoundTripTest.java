package org.forecaster.core.modelio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelRoundTripTest {

    /** Values whose bits a careless float path changes: signed zero, subnormals, extremes. */
    private static final float[] SPECIAL = {
        -0.0f, 0.0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -3e-39f, Float.MIN_NORMAL, Float.MAX_VALUE,
        -Float.MAX_VALUE, Math.nextDown(1.0f), 0.1f
    };

    static Stream<Arguments> specs() {
        return Stream.concat(Stream.of(CellType.values())
                .flatMap(cell -> Stream.of(1, 2).map(layers -> Arguments.of(new ModelSpec(cell, layers, 7, 5, 3)))),
                Stream.of(Arguments.of(new ModelSpec(CellType.LSTM, 1, 7, 5, 3, 24)), // the optional seasonLag field
                        Arguments.of(ModelSpec.withProfile(CellType.LSTM, 1, 7, 5, 3, 24, 86_400_000L)))); // and profile fields
    }

    private static ModelFile withSpecials(ModelSpec spec) {
        float[] p = ModelFixtures.parameters(spec, spec.hashCode());
        // Spread over the array so that every tensor boundary region sees some of them.
        for (int i = 0; i < SPECIAL.length; i++) {
            p[(int) ((long) i * (p.length - 1) / (SPECIAL.length - 1))] = SPECIAL[i];
        }
        return new ModelFile(ModelFixtures.header(spec), p);
    }

    private static int[] bits(float[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Float.floatToRawIntBits(a[i]);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("specs")
    void shouldRoundTripHeaderAndParametersBitExactly(ModelSpec spec) {
        ModelFile model = withSpecials(spec);

        ModelFile read = ModelReader.read(ModelWriter.write(model));

        assertEquals(model.header(), read.header());
        assertArrayEquals(bits(model.parameters()), bits(read.parameters()), spec.toString());
        assertEquals(model, read);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void shouldWriteTheSameBytesToAStreamAndAnArray(ModelSpec spec) throws IOException {
        ModelFile model = withSpecials(spec);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ModelWriter.write(model, out);

        byte[] bytes = ModelWriter.write(model);
        assertArrayEquals(bytes, out.toByteArray());
        assertEquals(bytes.length, ModelWriter.encodedLength(model));
    }

    @Test
    void shouldStreamLargeTensorsAcrossChunkBoundaries() {
        // layer0.w here has (300 + 64) * 256 = 93184 floats, several writer chunks plus a partial one.
        ModelFile model = ModelFixtures.model(new ModelSpec(CellType.LSTM, 1, 300, 64, 4), 99);

        assertEquals(model, ModelReader.read(ModelWriter.write(model)));
    }

    @Test
    void shouldRoundTripNullableFieldsAndEmptyMaps() {
        ModelSpec spec = new ModelSpec(CellType.GRU, 1, 3, 2, 1);
        ModelHeader header = new ModelHeader("x", 1, null, spec, new NormalizerSpec(1, 1e-300), 1, null, null, 0,
                Long.MIN_VALUE, Map.of(), Map.of(), Instant.EPOCH);

        ModelHeader read = ModelReader.read(ModelWriter.write(new ModelFile(header, new float[spec.parameterCount()])))
                .header();

        assertEquals(header, read);
        assertNull(read.parentVersion());
        assertNull(read.trainedFrom());
    }

    @Test
    void shouldRoundTripUnicodeConfigAndExactDoubles() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, 1, 1, 1);
        ModelHeader base = ModelFixtures.header(spec);
        ModelHeader header = new ModelHeader(base.name(), base.version(), base.parentVersion(), spec,
                new NormalizerSpec(Math.nextUp(0.001), 4.9e-324), base.stepMillis(), base.trainedFrom(),
                Instant.parse("2025-01-08T00:00:00.123456789Z"), base.seriesCount(), Long.MAX_VALUE,
                Map.of("tiny", Double.MIN_VALUE, "neg.zero", -0.0, "sum", 0.1 + 0.2, "big", 1e300),
                Map.of("note", "température ≥ 5 °C, \"quoted\"\n", "empty", ""), base.createdAt());

        ModelHeader read = ModelReader.read(ModelWriter.write(new ModelFile(header, new float[spec.parameterCount()])))
                .header();

        assertEquals(header, read);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(read.metrics().get("neg.zero")));
    }

    @Test
    void shouldReadFromPathAndStream(@TempDir Path dir) throws IOException {
        ModelFile model = ModelFixtures.lstm();
        byte[] bytes = ModelWriter.write(model);
        Path file = dir.resolve("m.fcst");
        Files.write(file, bytes);

        assertEquals(model, ModelReader.read(file));
        assertEquals(model, ModelReader.read(new ByteArrayInputStream(bytes)));
    }

    @Test
    void shouldEncodeDeterministicallyWhateverTheMapOrder() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, 1, 1, 1);
        ModelHeader base = ModelFixtures.header(spec);
        LinkedHashMap<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        LinkedHashMap<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        float[] p = new float[spec.parameterCount()];

        byte[] first = ModelWriter.write(new ModelFile(withConfig(base, ab), p));
        byte[] second = ModelWriter.write(new ModelFile(withConfig(base, ba), p.clone()));

        assertArrayEquals(first, second);
    }

    @Test
    void shouldDistinguishNegativeZeroInEquality() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, 1, 1, 1);
        float[] zeros = new float[spec.parameterCount()];
        float[] negative = zeros.clone();
        negative[0] = -0.0f;

        assertNotEquals(new ModelFile(ModelFixtures.header(spec), zeros), new ModelFile(ModelFixtures.header(spec), negative));
    }

    private static ModelHeader withConfig(ModelHeader h, Map<String, String> config) {
        return new ModelHeader(h.name(), h.version(), h.parentVersion(), h.spec(), h.normalizer(), h.stepMillis(),
                h.trainedFrom(), h.trainedTo(), h.seriesCount(), h.seed(), h.metrics(), config, h.createdAt());
    }
}
