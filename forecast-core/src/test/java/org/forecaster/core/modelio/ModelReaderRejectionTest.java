package org.forecaster.core.modelio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.modelio.ModelFixtures.RawTensor;
import org.forecaster.core.modelio.ModelFormatException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per defect the reader must reject, each checking that the message says what is wrong. */
class ModelReaderRejectionTest {

    private static final ModelFile MODEL = ModelFixtures.lstm();
    private static final byte[] VALID = ModelWriter.write(MODEL);

    private static ModelFormatException rejected(byte[] bytes, Reason reason, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelReader.read(bytes));
        assertEquals(reason, e.reason(), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message lacks \"" + f + "\": " + e.getMessage());
        }
        return e;
    }

    private static byte[] valid() {
        return VALID.clone();
    }

    // --- magic and version

    @Test
    void shouldRejectWrongMagic() {
        byte[] b = valid();
        b[0] = 'P';

        rejected(b, Reason.MAGIC, "not a model file", "FCSTMODL", "PCSTMODL");
    }

    @Test
    void shouldRejectSomethingThatIsNotAModelFileAtAll() {
        rejected("{\"name\":\"default\",\"version\":1}".getBytes(StandardCharsets.UTF_8), Reason.MAGIC, "expected magic");
    }

    @Test
    void shouldRejectAShortFileOfSomethingElseAsNotAModelFile() {
        rejected("hi".getBytes(StandardCharsets.US_ASCII), Reason.MAGIC, "found 0x6869 (\"hi\")");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, -1, 0x01000000})
    void shouldRejectUnsupportedFormatVersion(int version) {
        byte[] b = valid();
        ModelFixtures.putInt(b, 8, version);
        ModelFixtures.reseal(b);

        rejected(b, Reason.VERSION, "unsupported format version " + version, "supports [1]");
    }

    // --- truncation

    @Test
    void shouldRejectEveryTruncation() {
        for (int len = 0; len < VALID.length; len++) {
            byte[] prefix = Arrays.copyOf(VALID, len);
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelReader.read(prefix),
                    "prefix of " + len + " bytes");
            assertEquals(Reason.TRUNCATED, e.reason(), "prefix of " + len + " bytes: " + e.getMessage());
            assertTrue(e.getMessage().startsWith("truncated: "), e.getMessage());
            assertTrue(e.getMessage().contains("file is " + len + " bytes"), e.getMessage());
        }
    }

    @Test
    void shouldNameTheFieldWhereTheFileEnds() {
        int header = ModelFixtures.headerLength(VALID);
        int count = ModelFixtures.tensorCountOffset(VALID);
        int firstName = count + 4 + 2;
        int firstDims = firstName + "layer0.w".length() + 1;
        int firstData = firstDims + 8;

        rejected(Arrays.copyOf(VALID, 5), Reason.TRUNCATED, "magic needs 8 bytes");
        rejected(Arrays.copyOf(VALID, 10), Reason.TRUNCATED, "format version needs 4 bytes at offset 8 but 2 remain");
        rejected(Arrays.copyOf(VALID, 14), Reason.TRUNCATED, "header length needs 4 bytes at offset 12");
        rejected(Arrays.copyOf(VALID, 16 + header / 2), Reason.TRUNCATED,
                "header of " + header + " bytes needs " + header + " bytes at offset 16");
        rejected(Arrays.copyOf(VALID, count + 1), Reason.TRUNCATED, "tensor count needs 4 bytes");
        rejected(Arrays.copyOf(VALID, firstName + 3), Reason.TRUNCATED, "name of tensor 0 needs 8 bytes");
        rejected(Arrays.copyOf(VALID, firstDims + 5), Reason.TRUNCATED, "dimension 1 of tensor 0 (layer0.w)");
        rejected(Arrays.copyOf(VALID, firstData + 100), Reason.TRUNCATED,
                "data of tensor 0 (layer0.w) with shape [11, 16] needs 704 bytes");
        rejected(Arrays.copyOf(VALID, VALID.length - 8), Reason.TRUNCATED, "tensor 3 (head.b)");
        rejected(Arrays.copyOf(VALID, VALID.length - 2), Reason.TRUNCATED, "checksum needs 4 bytes", "but 2 remain");
    }

    @Test
    void shouldRejectTruncatedStream() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelReader.read(new ByteArrayInputStream(VALID, 0, VALID.length - 1)));
        assertEquals(Reason.TRUNCATED, e.reason());
    }

    // --- trailing bytes and checksum

    @Test
    void shouldRejectTrailingBytes() {
        byte[] b = Arrays.copyOf(VALID, VALID.length + 3);

        rejected(b, Reason.TRAILING, "3 trailing bytes after the checksum at offset " + (VALID.length - 4),
                "expected " + VALID.length);
    }

    @Test
    void shouldRejectFlippedBitInParameters() {
        byte[] b = valid();
        b[b.length - 10] ^= 0x10;

        rejected(b, Reason.CHECKSUM, "checksum mismatch", String.format("stores CRC32C 0x%08x",
                ModelReader.storedChecksum(VALID)), "content (" + (VALID.length - 4) + " bytes)");
    }

    @Test
    void shouldCheckTheChecksumBeforeParsingTheHeader() {
        byte[] b = valid();
        b[16] = '['; // the header's opening brace: broken JSON, but the checksum catches it first

        rejected(b, Reason.CHECKSUM, "checksum mismatch");
    }

    @Test
    void shouldRejectCorruptStoredChecksum() {
        byte[] b = valid();
        b[b.length - 1] ^= 0x01;

        rejected(b, Reason.CHECKSUM, "checksum mismatch");
    }

    // --- oversized and impossible length fields

    @ParameterizedTest
    @ValueSource(ints = {FormatVersion.MAX_HEADER_BYTES + 1, Integer.MAX_VALUE, -1})
    void shouldRejectOversizedHeaderLengthBeforeAllocating(int length) {
        byte[] b = valid();
        ModelFixtures.putInt(b, 12, length);

        rejected(b, Reason.OVERSIZED, "header length " + Integer.toUnsignedLong(length),
                "exceeds the limit of 1048576 bytes");
    }

    @Test
    void shouldRejectHeaderLengthBeyondTheFile() {
        byte[] b = valid();
        ModelFixtures.putInt(b, 12, 100_000);

        rejected(b, Reason.TRUNCATED, "header of 100000 bytes needs 100000 bytes at offset 16");
    }

    @ParameterizedTest
    @ValueSource(ints = {FormatVersion.MAX_TENSORS + 1, -1})
    void shouldRejectOversizedTensorCount(int count) {
        byte[] b = valid();
        ModelFixtures.putInt(b, ModelFixtures.tensorCountOffset(b), count);

        rejected(b, Reason.OVERSIZED, "tensor count " + Integer.toUnsignedLong(count), "exceeds the limit");
    }

    @Test
    void shouldRejectHugeDimensionsWithoutAllocating() {
        List<RawTensor> tensors = new ArrayList<>(ModelFixtures.tensorsOf(MODEL));
        RawTensor first = tensors.get(0);
        byte[] b = ModelFixtures.assemble(MODEL.header(), tensors);
        int dims = ModelFixtures.tensorCountOffset(b) + 4 + 2 + first.name().length() + 1;
        ModelFixtures.putInt(b, dims, Integer.MAX_VALUE);
        ModelFixtures.putInt(b, dims + 4, Integer.MAX_VALUE);

        rejected(b, Reason.TRUNCATED, "data of tensor 0 (layer0.w) with shape [2147483647, 2147483647] needs over 2^63 bytes");
    }

    @Test
    void shouldRejectNonPositiveDimension() {
        List<RawTensor> tensors = new ArrayList<>(ModelFixtures.tensorsOf(MODEL));
        tensors.set(1, new RawTensor("layer0.b", new int[] {0}, new float[0]));

        rejected(ModelFixtures.assemble(MODEL.header(), tensors), Reason.MALFORMED,
                "tensor 1 (layer0.b) dimension 0 is 0");
    }

    @Test
    void shouldRejectOversizedRank() {
        List<RawTensor> tensors = new ArrayList<>(ModelFixtures.tensorsOf(MODEL));
        tensors.set(1, new RawTensor("layer0.b", new int[] {1, 1, 1, 1, 1, 1, 1, 1, 16}, new float[16]));

        rejected(ModelFixtures.assemble(MODEL.header(), tensors), Reason.OVERSIZED, "rank 9 exceeds the limit of 8");
    }

    @Test
    void shouldRejectEmptyAndOversizedTensorNames() {
        List<RawTensor> tensors = new ArrayList<>(ModelFixtures.tensorsOf(MODEL));
        tensors.set(1, new RawTensor("", new int[] {16}, new float[16]));
        rejected(ModelFixtures.assemble(MODEL.header(), tensors), Reason.MALFORMED, "tensor 1 name length 0");

        tensors.set(1, new RawTensor("n".repeat(257), new int[] {16}, new float[16]));
        rejected(ModelFixtures.assemble(MODEL.header(), tensors), Reason.OVERSIZED, "tensor 1 name length 257");
    }

    // --- header

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "", "{\"name\":\"default\"", "{} {}", "[1,2]", "{\"name\":\"a\",\"name\":\"b\"}"})
    void shouldRejectMalformedJson(String json) {
        ModelFormatException e = rejected(ModelFixtures.assemble(json, ModelFixtures.tensorsOf(MODEL)), Reason.HEADER);
        assertTrue(e.getMessage().contains("not valid JSON") || e.getMessage().contains("must be a JSON object"),
                e.getMessage());
    }

    @Test
    void shouldRejectInvalidUtf8InHeader() {
        byte[] header = HeaderJson.encode(MODEL.header());
        int at = new String(header, StandardCharsets.UTF_8).indexOf("default");
        header[at] = (byte) 0xC3; // a lead byte followed by ASCII
        byte[] b = ModelFixtures.assemble(FormatVersion.MAGIC_BYTES, 1, header, ModelFixtures.tensorsOf(MODEL));

        rejected(b, Reason.HEADER, "not valid JSON");
    }

    private static String headerJson() {
        return new String(HeaderJson.encode(MODEL.header()), StandardCharsets.UTF_8);
    }

    private static byte[] withHeader(String json) {
        return ModelFixtures.assemble(json, ModelFixtures.tensorsOf(MODEL));
    }

    @Test
    void shouldRejectInvalidHeaderValues() {
        String json = headerJson();
        rejected(withHeader(json.replace("\"version\":3", "\"version\":0")), Reason.HEADER,
                "invalid header", "model version must be at least 1, got 0");
        rejected(withHeader(json.replace("\"minAlpha\":0.01", "\"minAlpha\":1.5")), Reason.HEADER,
                "minAlpha must be in (0, 1], got 1.5");
        rejected(withHeader(json.replace("\"hidden\":4", "\"hidden\":0")), Reason.HEADER,
                "hidden size must be in 1..4096, got 0");
        rejected(withHeader(json.replace("\"parentVersion\":2", "\"parentVersion\":3")), Reason.HEADER,
                "parent version must be in [1, 3)");
        rejected(withHeader(json.replace("\"stepMillis\":60000", "\"stepMillis\":-5")), Reason.HEADER,
                "step must be positive milliseconds, got -5");
        // The interval shape's entries are read by the service: a factor out of bounds or for a horizon the model
        // does not have is refused with the file, not clamped or ignored.
        rejected(withHeader(json.replace("\"val.nll\"", "\"interval.shape.h2\"")), Reason.HEADER,
                "interval shape at h2 must be in [0.25, 4.0], got -0.8125");
        rejected(withHeader(json.replace("\"val.mae\"", "\"interval.shape.h3\"")), Reason.HEADER,
                "metric interval.shape.h3 names no horizon in 2..2 of the model (h1 is always 1)");
        rejected(withHeader(json.replace("\"val.mae\"", "\"interval.shape.h1\"")), Reason.HEADER,
                "metric interval.shape.h1 names no horizon in 2..2");
    }

    @Test
    void shouldRejectWrongTypesAndUnknownFields() {
        String json = headerJson();
        rejected(withHeader(json.replace("\"version\":3", "\"version\":3.5")), Reason.HEADER,
                "\"version\" must be a 64-bit integer, got 3.5");
        rejected(withHeader(json.replace("\"version\":3", "\"version\":\"3\"")), Reason.HEADER,
                "\"version\" must be a 64-bit integer");
        rejected(withHeader(json.replace("\"seed\":42", "\"seed\":99999999999999999999")), Reason.HEADER,
                "\"seed\" must be a 64-bit integer");
        rejected(withHeader(json.replace("\"cell\":\"LSTM\"", "\"cell\":\"TRANSFORMER\"")), Reason.HEADER,
                "\"cell\" must be one of [LSTM, GRU, PEEPHOLE_LSTM], got \"TRANSFORMER\"");
        rejected(withHeader(json.replace("\"createdAt\":\"2025-01-08T01:02:03.456Z\"", "\"createdAt\":\"yesterday\"")),
                Reason.HEADER, "\"createdAt\" must be an ISO-8601 instant", "\"yesterday\"");
        rejected(withHeader(json.replace("{\"name\"", "{\"colour\":\"red\",\"name\"")), Reason.HEADER,
                "unknown field \"colour\"");
        rejected(withHeader(json.replace(",\"seed\":42", "")), Reason.HEADER, "field \"seed\" is required");
        rejected(withHeader(json.replace("\"val.mae\":0.30000000000000004", "\"val.mae\":\"good\"")), Reason.HEADER,
                "metric \"val.mae\" must be a number");
        rejected(withHeader(json.replace("\"val.mae\":0.30000000000000004", "\"val.mae\":1e999")), Reason.HEADER,
                "metric val.mae must be finite, got Infinity");
    }

    // --- tensors against the spec

    @Test
    void shouldRejectTensorShapeDifferentFromSpec() {
        ModelFile other = ModelFixtures.model(new ModelSpec(CellType.LSTM, 1, 7, 5, 2), 1);

        rejected(ModelFixtures.assemble(MODEL.header(), ModelFixtures.tensorsOf(other)), Reason.SHAPE,
                "tensor 0: expected layer0.w[11, 16], found layer0.w[12, 20]");
    }

    @Test
    void shouldRejectTensorNameDifferentFromSpec() {
        List<RawTensor> tensors = new ArrayList<>(ModelFixtures.tensorsOf(MODEL));
        RawTensor head = tensors.get(2);
        tensors.set(2, new RawTensor("head.weights", head.dims(), head.data()));

        rejected(ModelFixtures.assemble(MODEL.header(), tensors), Reason.SHAPE,
                "tensor 2: expected head.w[4, 4], found head.weights[4, 4]");
    }

    @Test
    void shouldRejectTransposedTensor() {
        ModelFile model = ModelFixtures.model(new ModelSpec(CellType.LSTM, 1, 7, 4, 3), 1);
        List<RawTensor> tensors = new ArrayList<>(ModelFixtures.tensorsOf(model));
        RawTensor head = tensors.get(2);
        tensors.set(2, new RawTensor(head.name(), new int[] {6, 4}, head.data()));

        rejected(ModelFixtures.assemble(model.header(), tensors), Reason.SHAPE,
                "expected head.w[4, 6], found head.w[6, 4]");
    }

    @Test
    void shouldRejectMissingTensor() {
        List<RawTensor> tensors = new ArrayList<>(ModelFixtures.tensorsOf(MODEL));
        tensors.remove(3);

        rejected(ModelFixtures.assemble(MODEL.header(), tensors), Reason.SHAPE, "file has 3 tensors", "defines 4");
    }

    @Test
    void shouldRejectPeepholeTensorsUnderAnLstmHeader() {
        ModelFile peephole = ModelFixtures.model(new ModelSpec(CellType.PEEPHOLE_LSTM, 1, 7, 4, 2), 1);

        rejected(ModelFixtures.assemble(MODEL.header(), ModelFixtures.tensorsOf(peephole)), Reason.SHAPE,
                "file has 5 tensors, spec ModelSpec[cell=LSTM");
    }

    // --- parameter values

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void shouldRejectNonFiniteParameter(float value) {
        List<RawTensor> tensors = new ArrayList<>(ModelFixtures.tensorsOf(MODEL));
        float[] w = tensors.get(0).data().clone();
        w[2 * 16 + 5] = value;
        tensors.set(0, new RawTensor("layer0.w", new int[] {11, 16}, w));

        rejected(ModelFixtures.assemble(MODEL.header(), tensors), Reason.NON_FINITE,
                "tensor layer0.w has non-finite value " + value + " at index 37 [2, 5] (parameter 37");
    }

    @Test
    void shouldRejectNonFiniteParameterInALaterTensor() {
        List<RawTensor> tensors = new ArrayList<>(ModelFixtures.tensorsOf(MODEL));
        float[] b = tensors.get(3).data().clone();
        b[3] = Float.NaN;
        tensors.set(3, new RawTensor("head.b", new int[] {4}, b));

        rejected(ModelFixtures.assemble(MODEL.header(), tensors), Reason.NON_FINITE,
                "tensor head.b has non-finite value NaN at index 3 [3] (parameter 211");
    }

    @Test
    void shouldAcceptTheFileTheseTestsStartFrom() {
        assertEquals(MODEL, ModelReader.read(ModelFixtures.assemble(MODEL.header(), ModelFixtures.tensorsOf(MODEL))));
    }
}
