package org.forecaster.core.modelio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.junit.jupiter.api.Test;

/**
 * Reads the committed file of each format version, so that a change to the reader or writer that breaks
 * files already published fails here. The expected values are literals, not recomputed by the code under test.
 */
class GoldenFileTest {

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = GoldenFileTest.class.getResourceAsStream("/modelio/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /modelio/" + name);
            }
            return in.readAllBytes();
        }
    }

    @Test
    void shouldReadVersion1HeaderExactly() throws IOException {
        ModelHeader h = ModelReader.read(resource("model-v1.fcst")).header();

        assertEquals("default", h.name());
        assertEquals(3, h.version());
        assertEquals(2L, h.parentVersion());
        assertEquals(new ModelSpec(CellType.LSTM, 1, 7, 4, 2), h.spec());
        assertEquals(new NormalizerSpec(0.01, 1e-6), h.normalizer());
        assertEquals(60_000, h.stepMillis());
        assertEquals(Instant.parse("2025-01-01T00:00:00Z"), h.trainedFrom());
        assertEquals(Instant.parse("2025-01-08T00:00:00Z"), h.trainedTo());
        assertEquals(12, h.seriesCount());
        assertEquals(20250108L, h.seed());
        assertEquals(Map.of("val.nll", -0.8125, "val.mae", 0.25), h.metrics());
        assertEquals(Map.of("optimizer", "adam", "k1", "16", "k2", "32"), h.config());
        assertEquals(Instant.parse("2025-01-08T01:02:03.456Z"), h.createdAt());
    }

    @Test
    void shouldReadVersion1ParametersBitExactly() throws IOException {
        float[] p = ModelReader.read(resource("model-v1.fcst")).parameters();

        assertEquals(212, p.length);
        assertEquals(0xbd3d4d67, Float.floatToRawIntBits(p[0]));
        assertEquals(0x80000000, Float.floatToRawIntBits(p[1]), "negative zero");
        assertEquals(0x00000001, Float.floatToRawIntBits(p[2]), "smallest subnormal");
        assertEquals(0xbf096213, Float.floatToRawIntBits(p[3]));
        assertEquals(0xbead5ef5, Float.floatToRawIntBits(p[211]), "last element of head.b");
    }

    @Test
    void shouldReadVersion1AsTheModelItWasWrittenFrom() throws IOException {
        ModelFile read = ModelReader.read(resource("model-v1.fcst"));

        assertEquals(GoldenModelFiles.v1(), read);
    }

    @Test
    void shouldStillWriteVersion1ByteForByte() throws IOException {
        // Encoding is deterministic; if this fails the writer's output changed. Files already published stay
        // readable (see the tests above), but a changed encoding of the same model is a format change that
        // needs a conscious decision, not an accident.
        assertArrayEquals(resource("model-v1.fcst"), ModelWriter.write(GoldenModelFiles.v1()));
    }

    @Test
    void shouldStoreTheDocumentedChecksum() throws IOException {
        assertEquals(0x21fff4c8L, ModelReader.storedChecksum(resource("model-v1.fcst")));
    }
}
