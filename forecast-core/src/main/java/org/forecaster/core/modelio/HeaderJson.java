package org.forecaster.core.modelio;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.modelio.ModelFormatException.Reason;

/**
 * The JSON header of format version 1, mapped by hand rather than by data binding so that the field names
 * are the format's, not the record's, and so that a reader is strict: unknown fields, wrong types,
 * fractional integers and duplicate keys are errors (new fields take a new format version). Instants are
 * ISO-8601 strings; nullable fields may be null or absent. {@code spec.seasonLag} is optional (absent = 0, and
 * written only when positive), so every file written before it existed reads and re-encodes identically; so are
 * {@code spec.profileBins} and {@code spec.profileSeasonMillis} (a profile model's, issue 15: both or neither).
 *
 * <pre>{@code
 * {"name":"default","version":3,"parentVersion":2,
 *  "spec":{"cell":"LSTM","layers":1,"inputSize":7,"hidden":4,"horizon":2,"seasonLag":24},
 *  "normalizer":{"minAlpha":0.01,"epsilon":1.0E-6},
 *  "stepMillis":60000,"trainedFrom":"2025-01-01T00:00:00Z","trainedTo":"2025-01-08T00:00:00Z",
 *  "seriesCount":12,"seed":42,"metrics":{"val.nll":-0.5},"config":{"k1":"16"},
 *  "createdAt":"2025-01-08T01:00:00Z"}
 * }</pre>
 */
final class HeaderJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Set<String> TOP = Set.of("name", "version", "parentVersion", "spec", "normalizer",
            "stepMillis", "trainedFrom", "trainedTo", "seriesCount", "seed", "metrics", "config", "createdAt");
    private static final Set<String> SPEC = Set.of("cell", "layers", "inputSize", "hidden", "horizon", "seasonLag",
            "profileBins", "profileSeasonMillis");
    private static final Set<String> NORMALIZER = Set.of("minAlpha", "epsilon");

    private HeaderJson() {}

    /** UTF-8 JSON of {@code h}; equal headers give equal bytes. */
    static byte[] encode(ModelHeader h) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("name", h.name());
        root.put("version", h.version());
        root.put("parentVersion", h.parentVersion());
        ObjectNode spec = root.putObject("spec");
        spec.put("cell", h.spec().cell().name());
        spec.put("layers", h.spec().layers());
        spec.put("inputSize", h.spec().inputSize());
        spec.put("hidden", h.spec().hidden());
        spec.put("horizon", h.spec().horizon());
        if (h.spec().seasonLag() > 0) { // absent means 0, so headers without the lag input are unchanged
            spec.put("seasonLag", h.spec().seasonLag());
        }
        if (h.spec().hasProfile()) { // likewise absent means none
            spec.put("profileBins", h.spec().profileBins());
            spec.put("profileSeasonMillis", h.spec().profileSeasonMillis());
        }
        ObjectNode norm = root.putObject("normalizer");
        norm.put("minAlpha", h.normalizer().minAlpha());
        norm.put("epsilon", h.normalizer().epsilon());
        root.put("stepMillis", h.stepMillis());
        root.put("trainedFrom", h.trainedFrom() == null ? null : h.trainedFrom().toString());
        root.put("trainedTo", h.trainedTo() == null ? null : h.trainedTo().toString());
        root.put("seriesCount", h.seriesCount());
        root.put("seed", h.seed());
        ObjectNode metrics = root.putObject("metrics");
        h.metrics().forEach(metrics::put); // sorted by the header
        ObjectNode config = root.putObject("config");
        h.config().forEach(config::put);
        root.put("createdAt", h.createdAt().toString());
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot encode model header " + h.name() + " v" + h.version(), e);
        }
    }

    /** Parses and validates the header in {@code bytes[off, off+len)}. */
    static ModelHeader decode(byte[] bytes, int off, int len) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes, off, len);
        } catch (JacksonException e) {
            // Jackson's location is within the header; say where the header is in the file as well.
            String where = e.getLocation() == null ? "" : " at header byte " + e.getLocation().getByteOffset();
            throw new ModelFormatException(Reason.HEADER, "header is not valid JSON (" + len + " bytes at file offset "
                    + off + ")" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException(Reason.HEADER, "header is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(Reason.HEADER, "header must be a JSON object, got "
                    + (root == null ? "nothing" : root.getNodeType()));
        }
        try {
            onlyKnown(root, TOP, "header");
            JsonNode specNode = object(root, "spec");
            onlyKnown(specNode, SPEC, "spec");
            ModelSpec spec = new ModelSpec(
                    cell(specNode),
                    intField(specNode, "layers", "spec"),
                    intField(specNode, "inputSize", "spec"),
                    intField(specNode, "hidden", "spec"),
                    intField(specNode, "horizon", "spec"),
                    specNode.has("seasonLag") ? intField(specNode, "seasonLag", "spec") : 0,
                    specNode.has("profileBins") ? intField(specNode, "profileBins", "spec") : 0,
                    specNode.has("profileSeasonMillis") ? longField(specNode, "profileSeasonMillis", "spec") : 0);
            JsonNode normNode = object(root, "normalizer");
            onlyKnown(normNode, NORMALIZER, "normalizer");
            NormalizerSpec normalizer = new NormalizerSpec(
                    doubleField(normNode, "minAlpha", "normalizer"), doubleField(normNode, "epsilon", "normalizer"));
            return new ModelHeader(
                    text(root, "name", "header"),
                    longField(root, "version", "header"),
                    nullableLong(root, "parentVersion"),
                    spec,
                    normalizer,
                    longField(root, "stepMillis", "header"),
                    nullableInstant(root, "trainedFrom"),
                    nullableInstant(root, "trainedTo"),
                    intField(root, "seriesCount", "header"),
                    longField(root, "seed", "header"),
                    metrics(object(root, "metrics")),
                    config(object(root, "config")),
                    instant(root, "createdAt"));
        } catch (ModelFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // The records' own validation: same message, classified as a header defect.
            throw new ModelFormatException(Reason.HEADER, "invalid header: " + e.getMessage(), e);
        }
    }

    private static void onlyKnown(JsonNode node, Set<String> known, String where) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String f = e.getKey();
            if (!known.contains(f)) {
                throw bad(where + " has unknown field \"" + f + "\" (format version 1 knows " + known + ")");
            }
        }
    }

    private static JsonNode required(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw bad(where + " field \"" + field + "\" is required");
        }
        return v;
    }

    private static JsonNode object(JsonNode node, String field) {
        JsonNode v = required(node, field, "header");
        if (!v.isObject()) {
            throw bad("header field \"" + field + "\" must be an object, got " + v.getNodeType());
        }
        return v;
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = required(node, field, where);
        if (!v.isTextual()) {
            throw bad(where + " field \"" + field + "\" must be a string, got " + v);
        }
        return v.textValue();
    }

    private static long longField(JsonNode node, String field, String where) {
        JsonNode v = required(node, field, where);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw bad(where + " field \"" + field + "\" must be a 64-bit integer, got " + v);
        }
        return v.longValue();
    }

    private static int intField(JsonNode node, String field, String where) {
        JsonNode v = required(node, field, where);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw bad(where + " field \"" + field + "\" must be a 32-bit integer, got " + v);
        }
        return v.intValue();
    }

    private static double doubleField(JsonNode node, String field, String where) {
        JsonNode v = required(node, field, where);
        if (!v.isNumber()) {
            throw bad(where + " field \"" + field + "\" must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static Long nullableLong(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : longField(node, field, "header");
    }

    private static Instant nullableInstant(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : instant(node, field);
    }

    private static Instant instant(JsonNode node, String field) {
        String s = text(node, field, "header");
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw bad("header field \"" + field + "\" must be an ISO-8601 instant such as 2025-01-01T00:00:00Z, got \""
                    + s + "\"");
        }
    }

    private static CellType cell(JsonNode spec) {
        String s = text(spec, "cell", "spec");
        try {
            return CellType.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw bad("spec field \"cell\" must be one of " + Arrays.toString(CellType.values())
                    + ", got \"" + s + "\"");
        }
    }

    private static Map<String, Double> metrics(JsonNode node) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isNumber()) {
                throw bad("metric \"" + e.getKey() + "\" must be a number, got " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().doubleValue());
        }
        return out;
    }

    private static Map<String, String> config(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw bad("config \"" + e.getKey() + "\" must be a string, got " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    private static ModelFormatException bad(String message) {
        return new ModelFormatException(Reason.HEADER, "invalid header: " + message);
    }
}
