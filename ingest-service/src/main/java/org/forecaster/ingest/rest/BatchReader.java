package org.forecaster.ingest.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.core.wire.WireJson;

/**
 * Splits a request body into events and validates each with the shared parser. Three shapes:
 * a JSON array (item = element position, 1-based), NDJSON (item = line number, blank lines skipped),
 * or one object (item 1). A body whose first line is a complete JSON value is NDJSON, so one compact
 * object is the one-line case; a pretty-printed object is read whole. A malformed line is that line's
 * error; a malformed array is the whole body's.
 */
final class BatchReader {
    /** One event of the batch: its 1-based position, the bytes to forward, and the verdict. */
    record Item(int item, byte[] bytes, RawEventParser.Result result) {}

    /**
     * Only tells a complete first line (NDJSON) from the start of a pretty-printed object: duplicates and
     * bare NaN are that line's own error, reported by the parser, not a reason to read the body whole.
     */
    private static final ObjectMapper LENIENT = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private BatchReader() {}

    /** @throws IllegalArgumentException when the body as a whole is not JSON (message says why) */
    static List<Item> read(byte[] body, RawEventParser parser) {
        int first = firstNonBlank(body, 0);
        if (first < 0) {
            return List.of();
        }
        if (body[first] == '[') {
            return readArray(body, parser);
        }
        List<byte[]> lines = lines(body);
        if (lines.size() > 1 && !isCompleteJson(lines.get(0))) {
            return List.of(new Item(1, body, parser.parse(body, null)));
        }
        List<Item> items = new ArrayList<>(lines.size());
        int lineNo = 0;
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                lineNo++;
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                if (firstNonBlank(body, start, end) >= 0) {
                    byte[] line = Arrays.copyOfRange(body, start, end);
                    items.add(new Item(lineNo, line, parser.parse(line, null)));
                }
                start = i + 1;
            }
        }
        return items;
    }

    private static List<Item> readArray(byte[] body, RawEventParser parser) {
        JsonNode root;
        try {
            root = RawEventParser.readJson(body);
        } catch (IOException e) {
            String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException("request body is not a valid JSON array: " + msg);
        }
        List<Item> items = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonNode node = root.get(i);
            byte[] bytes = WireJson.write(node);
            RawEventParser.Result r = bytes.length > parser.limits().maxPayloadBytes()
                    ? parser.parse(bytes, null) : parser.validate(node, null);
            items.add(new Item(i + 1, bytes, r));
        }
        return items;
    }

    private static boolean isCompleteJson(byte[] line) {
        try {
            LENIENT.readTree(line);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<byte[]> lines(byte[] body) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                if (firstNonBlank(body, start, i) >= 0) {
                    out.add(Arrays.copyOfRange(body, start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static int firstNonBlank(byte[] b, int from) {
        return firstNonBlank(b, from, b.length);
    }

    private static int firstNonBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') {
                return i;
            }
        }
        return -1;
    }
}
