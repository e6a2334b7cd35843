package org.forecaster.core.wire;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses and validates one raw event, the same rules for the HTTP endpoint and the {@code telemetry.raw}
 * stream, and says exactly why a bad one is bad (the reason goes to the dead-letter topic's headers and
 * the rejection metric). Thread-safe.
 */
public final class RawEventParser {
    /** Series ids: 1..maxSeriesLength of letters, digits and {@code . _ - : / @ =}. */
    private static final Pattern SERIES = Pattern.compile("[A-Za-z0-9._\\-:/@=]+");
    /**
     * Duplicate fields and anything after the event are errors (otherwise {@code {..}garbage} or two
     * concatenated events would pass as the first one). Bare {@code NaN}/{@code Infinity} tokens, which
     * Python's json module writes by default, are read so they are reported as {@code non-finite-value},
     * which says what is wrong, rather than as {@code malformed-json}.
     */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Why an event was rejected: a stable code for metrics and headers, and a message for people. */
    public record Rejection(String reason, String message) {}

    /** The outcome: exactly one of {@code event} and {@code rejection} is non-null. */
    public record Result(RawEvent event, Rejection rejection) {
        static Result ok(RawEvent e) {
            return new Result(e, null);
        }

        static Result bad(String reason, String message) {
            return new Result(null, new Rejection(reason, message));
        }

        public boolean valid() {
            return event != null;
        }
    }

    /**
     * @param maxPayloadBytes  larger payloads are rejected unread
     * @param maxSeriesLength  longest accepted series id
     * @param maxLabels        most labels per event (keys and values up to 256 chars)
     * @param earliest         oldest accepted timestamp
     * @param maxFutureSkew    how far past the clock a timestamp may lie; keep it below the broker's
     *                         {@code message.timestamp.after.max.ms} (1 h by default since Kafka 4.0): accepted event
     *                         times become record timestamps on CreateTime topics (the Streams changelogs), and a
     *                         refused one fails the task
     */
    public record Limits(int maxPayloadBytes, int maxSeriesLength, int maxLabels, Instant earliest, Duration maxFutureSkew) {
        public static final Limits DEFAULT = new Limits(64 * 1024, 256, 32, Instant.parse("2000-01-01T00:00:00Z"), Duration.ofMinutes(30));

        public Limits {
            if (maxPayloadBytes < 16 || maxSeriesLength < 1 || maxLabels < 0 || earliest == null || maxFutureSkew == null
                    || maxFutureSkew.isNegative()) {
                throw new IllegalArgumentException("bad raw event limits: payload " + maxPayloadBytes + ", series " + maxSeriesLength
                        + ", labels " + maxLabels + ", earliest " + earliest + ", future skew " + maxFutureSkew);
            }
        }
    }

    private final Limits limits;
    private final InstantSource clock;

    public RawEventParser(Limits limits, InstantSource clock) {
        this.limits = limits;
        this.clock = clock;
    }

    public Limits limits() {
        return limits;
    }

    /** Reads JSON by this parser's rules (see {@link #STRICT}), for callers that split a batch first. */
    public static JsonNode readJson(byte[] bytes) throws IOException {
        return STRICT.readTree(bytes);
    }

    /**
     * Parses {@code bytes}; {@code key} is the Kafka key (null or empty when absent). A plainly valid event is read by
     * {@link PlainRawEventReader} (the common case, several times cheaper); anything else by Jackson's tree.
     */
    public Result parse(byte[] bytes, String key) {
        if (bytes == null || bytes.length == 0) {
            return Result.bad("empty", "event is empty");
        }
        if (bytes.length > limits.maxPayloadBytes()) {
            return Result.bad("too-large", "event of " + bytes.length + " bytes exceeds the limit of " + limits.maxPayloadBytes());
        }
        RawEvent plain = PlainRawEventReader.read(bytes, key, limits, clock);
        return plain != null ? Result.ok(plain) : parseGeneral(bytes, key);
    }

    /**
     * {@link #parse} without the plain fast path: Jackson's tree, every rule, every rejection. Only for events the
     * fast path leaves alone (and for tests comparing the two); the size checks are the caller's.
     */
    Result parseGeneral(byte[] bytes, String key) {
        JsonNode root;
        try {
            root = readJson(bytes);
        } catch (IOException e) {
            return Result.bad("malformed-json", "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            return Result.bad("empty", "event has only whitespace");
        }
        return validate(root, key);
    }

    /** Validates an already parsed JSON value (one element of an HTTP batch). */
    public Result validate(JsonNode root, String key) {
        if (root == null || !root.isObject()) {
            return Result.bad("not-an-object", "event must be a JSON object");
        }
        JsonNode seriesNode = root.get("series");
        String series;
        if (seriesNode == null || seriesNode.isNull()) {
            if (key == null || key.isEmpty()) {
                return Result.bad("missing-series", "field 'series' is missing and the record has no key");
            }
            series = key;
        } else if (!seriesNode.isTextual()) {
            return Result.bad("bad-series", "field 'series' must be a string");
        } else {
            series = seriesNode.textValue();
        }
        if (series.isEmpty() || series.length() > limits.maxSeriesLength()) {
            return Result.bad("bad-series", "series id must have 1.." + limits.maxSeriesLength() + " characters, has " + series.length());
        }
        if (!SERIES.matcher(series).matches()) {
            return Result.bad("bad-series", "series id may only contain letters, digits and . _ - : / @ =");
        }
        if (key != null && !key.isEmpty() && !key.equals(series)) {
            return Result.bad("key-mismatch", "record key '" + abbreviate(key) + "' differs from series '" + series + "'");
        }
        JsonNode valueNode = root.get("value");
        if (valueNode == null || valueNode.isNull()) {
            return Result.bad("missing-value", "field 'value' is missing");
        }
        if (!valueNode.isNumber()) {
            return Result.bad("bad-value", "field 'value' must be a number, got " + valueNode.getNodeType().name().toLowerCase());
        }
        double value = valueNode.doubleValue();
        if (!Double.isFinite(value)) {
            return Result.bad("non-finite-value", "field 'value' must be finite");
        }
        JsonNode tsNode = root.get("ts");
        if (tsNode == null || tsNode.isNull()) {
            return Result.bad("missing-ts", "field 'ts' is missing");
        }
        Instant ts;
        if (tsNode.isIntegralNumber() && tsNode.canConvertToLong()) {
            ts = Instant.ofEpochMilli(tsNode.longValue());
        } else if (tsNode.isTextual()) {
            try {
                ts = IsoInstants.parse(tsNode.textValue());
            } catch (DateTimeParseException e) {
                return Result.bad("bad-ts", "field 'ts' must be ISO-8601 (e.g. 2024-05-01T12:00:00Z) or epoch milliseconds");
            }
        } else {
            return Result.bad("bad-ts", "field 'ts' must be ISO-8601 (e.g. 2024-05-01T12:00:00Z) or epoch milliseconds");
        }
        if (ts.isBefore(limits.earliest())) {
            return Result.bad("ts-out-of-range", "timestamp " + ts + " is before " + limits.earliest());
        }
        Instant latest = clock.instant().plus(limits.maxFutureSkew());
        if (ts.isAfter(latest)) {
            return Result.bad("ts-out-of-range", "timestamp " + ts + " is more than " + limits.maxFutureSkew() + " in the future");
        }
        Map<String, String> labels = Map.of();
        JsonNode labelsNode = root.get("labels");
        if (labelsNode != null && !labelsNode.isNull()) {
            if (!labelsNode.isObject()) {
                return Result.bad("bad-labels", "field 'labels' must be an object of strings");
            }
            if (labelsNode.size() > limits.maxLabels()) {
                return Result.bad("bad-labels", "at most " + limits.maxLabels() + " labels, got " + labelsNode.size());
            }
            Map<String, String> m = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = labelsNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual() || e.getKey().isEmpty() || e.getKey().length() > 256 || e.getValue().textValue().length() > 256) {
                    return Result.bad("bad-labels", "label '" + abbreviate(e.getKey()) + "' must map a 1..256 character name to a string of at most 256");
                }
                m.put(e.getKey(), e.getValue().textValue());
            }
            labels = m;
        }
        return Result.ok(new RawEvent(series, ts, value, labels));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return abbreviate(nl < 0 ? s : s.substring(0, nl));
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 120 ? printable.substring(0, 120) + "..." : printable;
    }
}
