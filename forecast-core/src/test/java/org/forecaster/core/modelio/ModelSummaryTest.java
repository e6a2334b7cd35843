package org.forecaster.core.modelio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.ModelSpec;
import org.junit.jupiter.api.Test;

class ModelSummaryTest {

    @Test
    void shouldDescribeHeaderTensorsAndVerifiedChecksum() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, 7, 4, 2);
        float[] p = new float[spec.parameterCount()];
        Arrays.fill(p, 208, 212, -2f); // head.b
        p[208] = 6f;
        byte[] bytes = ModelWriter.write(new ModelFile(ModelFixtures.header(spec), p));

        String text = ModelSummary.describe(bytes);

        assertTrue(text.contains("model:        default v3 (parent v2)"), text);
        assertTrue(text.contains("architecture: LSTM, 1 layer(s), input 7, hidden 4, horizon 2, 212 parameters"), text);
        assertTrue(text.contains("  val.nll = -0.8125"), text);
        assertTrue(text.contains("  optimizer = adam"), text);
        assertTrue(text.matches("(?s).*head\\.b\\s+\\[4]\\s+min -2\\.00000\\s+max 6\\.00000\\s+mean\\|x\\| 3\\.00000.*"), text);
        assertTrue(text.contains(String.format("checksum:     CRC32C 0x%08x, verified (%d bytes, format version 1)",
                ModelReader.storedChecksum(bytes), bytes.length)), text);
    }

    @Test
    void shouldDescribeAnInMemoryModelLikeItsEncoding() {
        ModelFile model = ModelFixtures.lstm();
        byte[] bytes = ModelWriter.write(model);

        String fromModel = ModelSummary.describe(model);
        String fromBytes = ModelSummary.describe(bytes);

        assertEquals(fromBytes.replace(", verified", " when written"), fromModel);
    }

    @Test
    void shouldRefuseToDescribeACorruptFile() {
        byte[] bytes = ModelWriter.write(ModelFixtures.lstm());
        bytes[bytes.length - 5] ^= 1;

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelSummary.describe(bytes));
        assertEquals(ModelFormatException.Reason.CHECKSUM, e.reason());
    }
}
