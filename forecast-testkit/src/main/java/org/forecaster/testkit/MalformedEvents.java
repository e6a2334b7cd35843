package org.forecaster.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Seeded generator of malformed raw events for {@code telemetry.raw}: the same seed gives the same records.
 * Each record carries the reason the ingest service must put in its dead-letter header ({@code dlq.reason},
 * the codes of forecast-core's {@code RawEventParser}), so a test can check every one. Pure Java (no JSON
 * library) so that tests and the load tool can both use it.
 *
 * <p>Everything but the defect is valid: the series ids are well formed, the timestamps are {@code validTs}
 * (which the caller picks inside its service's accepted range). "Far past" is before 2000-01-01 (the default
 * earliest time) and "far future" is the year 2200 or later, out of range for any clock before 2199.
 */
public final class MalformedEvents {
    /** The dead-letter reasons these records produce (forecast-core's {@code RawEventParser} codes). */
    public static final String EMPTY = "empty";
    public static final String TOO_LARGE = "too-large";
    public static final String MALFORMED_JSON = "malformed-json";
    public static final String NOT_AN_OBJECT = "not-an-object";
    public static final String MISSING_SERIES = "missing-series";
    public static final String BAD_SERIES = "bad-series";
    public static final String KEY_MISMATCH = "key-mismatch";
    public static final String MISSING_VALUE = "missing-value";
    public static final String BAD_VALUE = "bad-value";
    public static final String NON_FINITE_VALUE = "non-finite-value";
    public static final String MISSING_TS = "missing-ts";
    public static final String BAD_TS = "bad-ts";
    public static final String TS_OUT_OF_RANGE = "ts-out-of-range";
    public static final String BAD_LABELS = "bad-labels";

    /** What is wrong with a record; one kind can map to several reasons (a wrong type for 'ts' is bad-ts). */
    public enum Kind {
        BROKEN_JSON(10), WRONG_TYPE(10), NON_FINITE_STRING(6), NON_FINITE_TOKEN(6), HUGE_NUMBER(6), MISSING_SERIES(6),
        HUGE_SERIES(4), CONTROL_CHARS_IN_ID(6), FAR_PAST(6), FAR_FUTURE(6), OVERSIZED(1), BINARY_GARBAGE(6), EMPTY(4),
        NULL_VALUES(6), MISSING_FIELDS(4), KEY_MISMATCH(4), BAD_LABELS(4), BAD_TS(4);

        /** Relative frequency: oversized records are rare so a 10k flood stays a few MB. */
        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    /**
     * One generated record.
     *
     * @param kind   what is wrong with it
     * @param key    the Kafka key (null for none)
     * @param value  the record value (null for a tombstone)
     * @param reason the dead-letter reason the ingest service must report
     */
    public record Malformed(Kind kind, String key, byte[] value, String reason) {
        @Override
        public String toString() {
            String shown = value == null ? "null" : new String(value, 0, Math.min(value.length, 160), StandardCharsets.UTF_8);
            return kind + " -> " + reason + " key=" + (key == null ? "null" : abbreviate(key)) + " value(" + (value == null ? 0 : value.length)
                    + " B)=" + shown;
        }
    }

    private static final Kind[] KINDS = Kind.values();
    private static final int TOTAL_WEIGHT = java.util.Arrays.stream(KINDS).mapToInt(k -> k.weight).sum();
    private static final String SERIES_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:/@=";

    private final SplittableRandom random;
    private final Instant validTs;
    private final int maxPayloadBytes;
    private final int maxSeriesLength;
    private final int maxLabels;

    /**
     * @param seed            same seed, same sequence
     * @param validTs         the timestamp of every record whose defect is elsewhere
     * @param maxPayloadBytes the service's largest accepted event (oversized records exceed it, up to twice)
     * @param maxSeriesLength the service's longest series id (huge ids exceed it)
     * @param maxLabels       the service's most labels per event
     */
    public MalformedEvents(long seed, Instant validTs, int maxPayloadBytes, int maxSeriesLength, int maxLabels) {
        this.random = new SplittableRandom(seed);
        this.validTs = Objects.requireNonNull(validTs, "validTs");
        if (maxPayloadBytes < 64 || maxSeriesLength < 1 || maxLabels < 0) {
            throw new IllegalArgumentException("bad limits: payload " + maxPayloadBytes + ", series " + maxSeriesLength + ", labels " + maxLabels);
        }
        this.maxPayloadBytes = maxPayloadBytes;
        this.maxSeriesLength = maxSeriesLength;
        this.maxLabels = maxLabels;
    }

    /** With the ingest service's default limits (64 KiB events, 256-character ids, 32 labels). */
    public MalformedEvents(long seed, Instant validTs) {
        this(seed, validTs, 64 * 1024, 256, 32);
    }

    /** The next record, its kind drawn by weight. */
    public Malformed next() {
        int r = random.nextInt(TOTAL_WEIGHT);
        for (Kind k : KINDS) {
            r -= k.weight;
            if (r < 0) {
                return next(k);
            }
        }
        throw new AssertionError("unreachable");
    }

    /** The next record of the given kind. */
    public Malformed next(Kind kind) {
        String series = "bad-" + random.nextInt(10_000);
        String key = random.nextBoolean() ? series : null;
        String ts = randomTs();
        return switch (kind) {
            case BROKEN_JSON -> brokenJson(series, key, ts);
            case WRONG_TYPE -> wrongType(series, key, ts);
            case NON_FINITE_STRING -> of(kind, key, event(series, ts, quoted(pick("NaN", "Infinity", "-Infinity", "inf", "nan", "+Inf"))), BAD_VALUE);
            case NON_FINITE_TOKEN -> of(kind, key, event(series, ts, pick("NaN", "Infinity", "-Infinity", "+Infinity")), NON_FINITE_VALUE);
            case HUGE_NUMBER -> hugeNumber(series, key, ts);
            case MISSING_SERIES -> of(kind, random.nextBoolean() ? null : "",
                    random.nextBoolean() ? event(null, ts, value()) : "{\"series\":null,\"ts\":" + ts + ",\"value\":" + value() + "}", MISSING_SERIES);
            case HUGE_SERIES -> hugeSeries();
            case CONTROL_CHARS_IN_ID -> controlChars(series, ts);
            case FAR_PAST -> of(kind, key, event(series, pick("\"1999-12-31T23:59:59Z\"", "\"1970-01-01T00:00:00Z\"", "\"0001-01-01T00:00:00Z\"",
                    "\"-999999999-01-01T00:00:00Z\"", "0", "-1", "946684799999", Long.toString(Long.MIN_VALUE)), value()), TS_OUT_OF_RANGE);
            case FAR_FUTURE -> of(kind, key, event(series, pick("\"2200-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.999Z\"", "\"+1000000-01-01T00:00:00Z\"",
                    "7258118400000", "253402300799999", Long.toString(Long.MAX_VALUE)), value()), TS_OUT_OF_RANGE);
            case OVERSIZED -> oversized(series, key, ts);
            case BINARY_GARBAGE -> binaryGarbage(key);
            case EMPTY -> switch (random.nextInt(3)) {
                case 0 -> new Malformed(kind, key, new byte[0], EMPTY);
                case 1 -> new Malformed(kind, key, null, EMPTY);
                default -> of(kind, key, pick(" ", "\n", " \t\r\n "), EMPTY);
            };
            case NULL_VALUES -> switch (random.nextInt(4)) {
                case 0 -> of(kind, key, "null", NOT_AN_OBJECT);
                case 1 -> of(kind, key, event(series, ts, "null"), MISSING_VALUE);
                case 2 -> of(kind, key, event(series, "null", value()), MISSING_TS);
                default -> of(kind, null, "{\"series\":null,\"ts\":" + ts + ",\"value\":null}", MISSING_SERIES);
            };
            case MISSING_FIELDS -> switch (random.nextInt(3)) {
                case 0 -> of(kind, key, event(series, ts, null), MISSING_VALUE);
                case 1 -> of(kind, key, event(series, null, value()), MISSING_TS);
                default -> of(kind, null, "{}", MISSING_SERIES);
            };
            case KEY_MISMATCH -> of(kind, random.nextBoolean() ? "other-" + random.nextInt(1000) : series + "\u0000",
                    event(series, ts, value()), KEY_MISMATCH);
            case BAD_LABELS -> badLabels(series, key, ts);
            case BAD_TS -> of(kind, key, event(series, quoted(pick("yesterday", "2024-13-01T00:00:00Z", "2024-05-01 12:00:00",
                    "2024-05-01T12:00:00", "", "1714564800000")), value()), BAD_TS);
        };
    }

    private Malformed brokenJson(String series, String key, String ts) {
        String ok = event(series, ts, value());
        Kind k = Kind.BROKEN_JSON;
        return switch (random.nextInt(10)) {
            case 0 -> of(k, key, ok.substring(0, 1 + random.nextInt(ok.length() - 1)), MALFORMED_JSON);
            case 1 -> of(k, key, "{series:\"" + series + "\",\"ts\":" + ts + ",\"value\":1}", MALFORMED_JSON);
            case 2 -> of(k, key, "{'series':'" + series + "','ts':" + ts + ",'value':1}", MALFORMED_JSON);
            case 3 -> of(k, key, ok.substring(0, ok.length() - 1) + ",}", MALFORMED_JSON);
            case 4 -> of(k, key, "{\"series\":\"" + series + "\",\"series\":\"x\",\"ts\":" + ts + ",\"value\":1}", MALFORMED_JSON);
            case 5 -> of(k, key, "{\"series\":\"" + series + "\",/* note */\"ts\":" + ts + ",\"value\":1}", MALFORMED_JSON);
            case 6 -> of(k, key, "{\"series\":\"" + series + "\\q\",\"ts\":" + ts + ",\"value\":1}", MALFORMED_JSON);
            case 7 -> of(k, key, "{\"series\":\"" + series + "\u0001\",\"ts\":" + ts + ",\"value\":1}", MALFORMED_JSON);
            case 8 -> of(k, key, ok + pick("}", " x", "{}", ok, ",", "]"), MALFORMED_JSON);
            default -> {
                byte[] head = ("{\"series\":\"" + series).getBytes(StandardCharsets.UTF_8);
                byte[] tail = ("\",\"ts\":" + ts + ",\"value\":1}").getBytes(StandardCharsets.UTF_8);
                byte[] b = new byte[head.length + 2 + tail.length];
                System.arraycopy(head, 0, b, 0, head.length);
                b[head.length] = (byte) 0xC3; // a two-byte UTF-8 start followed by a non-continuation byte
                b[head.length + 1] = (byte) 0x28;
                System.arraycopy(tail, 0, b, head.length + 2, tail.length);
                yield new Malformed(k, key, b, MALFORMED_JSON);
            }
        };
    }

    private Malformed wrongType(String series, String key, String ts) {
        Kind k = Kind.WRONG_TYPE;
        String v = value();
        return switch (random.nextInt(5)) {
            case 0 -> of(k, null, "{\"series\":" + pick("7", "true", "[\"a\"]", "{\"a\":1}", "1.5") + ",\"ts\":" + ts + ",\"value\":" + v + "}", BAD_SERIES);
            case 1 -> of(k, key, event(series, ts, pick("\"1.5\"", "true", "[1]", "{\"v\":1}", "\"\"")), BAD_VALUE);
            case 2 -> of(k, key, event(series, pick("true", "1.5", "[1714564800000]", "{}", "1e12"), v), BAD_TS);
            case 3 -> of(k, key, event(series, ts, v).replace("}", ",\"labels\":" + pick("[1]", "\"dc=eu\"", "5", "{\"k\":1}", "{\"k\":null}") + "}"),
                    BAD_LABELS);
            default -> of(k, key, pick("[" + event(series, ts, v) + "]", "\"" + series + "\"", "42", "true", "[]"), NOT_AN_OBJECT);
        };
    }

    private Malformed hugeNumber(String series, String key, String ts) {
        Kind k = Kind.HUGE_NUMBER;
        return switch (random.nextInt(6)) {
            case 0 -> of(k, key, event(series, ts, pick("1e400", "-1e999", "1.7976931348623159e308")), NON_FINITE_VALUE);
            case 1 -> of(k, key, event(series, ts, digits(310 + random.nextInt(600))), NON_FINITE_VALUE);
            // Longer than Jackson's number-length limit (1000 characters): refused while reading.
            case 2 -> of(k, key, event(series, ts, digits(1_001 + random.nextInt(4_000))), MALFORMED_JSON);
            case 3 -> of(k, key, event(series, pick("99999999999999999999", "-99999999999999999999", digits(30 + random.nextInt(300))), value()), BAD_TS);
            case 4 -> of(k, key, event(series, pick("1e20", "1.0E15"), value()), BAD_TS);
            default -> of(k, key, event(series, Long.toString(Long.MAX_VALUE - random.nextInt(1000)), value()), TS_OUT_OF_RANGE);
        };
    }

    private Malformed hugeSeries() {
        int length = maxSeriesLength + 1 + random.nextInt(Math.max(1, Math.min(maxPayloadBytes / 2, 20_000) - maxSeriesLength));
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(SERIES_CHARS.charAt(random.nextInt(SERIES_CHARS.length())));
        }
        String huge = id.toString();
        String ts = randomTs();
        return switch (random.nextInt(3)) {
            case 0 -> of(Kind.HUGE_SERIES, null, event(huge, ts, value()), BAD_SERIES);
            case 1 -> of(Kind.HUGE_SERIES, huge, event(huge, ts, value()), BAD_SERIES);
            default -> of(Kind.HUGE_SERIES, huge, event(null, ts, value()), BAD_SERIES); // the key stands in for the series
        };
    }

    private Malformed controlChars(String series, String ts) {
        char c = pick('\u0000', '\u0001', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085');
        int at = random.nextInt(series.length() + 1);
        String bad = series.substring(0, at) + c + series.substring(at);
        if (random.nextBoolean()) {
            // The id comes from the Kafka key (no series field).
            return of(Kind.CONTROL_CHARS_IN_ID, bad, event(null, ts, value()), BAD_SERIES);
        }
        String escaped = String.format("\\u%04x", (int) c);
        return of(Kind.CONTROL_CHARS_IN_ID, null, event(series.substring(0, at) + escaped + series.substring(at), ts, value()), BAD_SERIES);
    }

    private Malformed oversized(String series, String key, String ts) {
        String ok = event(series, ts, value());
        int target = maxPayloadBytes + 1 + random.nextInt(maxPayloadBytes);
        int pad = target - ok.length() - ",\"pad\":\"\"".length();
        String body = ok.substring(0, ok.length() - 1) + ",\"pad\":\"" + "x".repeat(Math.max(pad, 1)) + "\"}";
        return of(Kind.OVERSIZED, key, body, TOO_LARGE);
    }

    private Malformed binaryGarbage(String key) {
        byte[] b = new byte[1 + random.nextInt(4096)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        // A UTF-8 continuation byte first: it can start no JSON value, no byte-order mark and no UTF-16/32 pattern,
        // so the whole record is certainly not JSON whatever follows.
        b[0] = (byte) (0x80 + random.nextInt(0x40));
        return new Malformed(Kind.BINARY_GARBAGE, key, b, MALFORMED_JSON);
    }

    private Malformed badLabels(String series, String key, String ts) {
        String ok = event(series, ts, value());
        String labels = switch (random.nextInt(3)) {
            case 0 -> {
                StringBuilder sb = new StringBuilder("{");
                for (int i = 0; i <= maxLabels; i++) {
                    sb.append(i == 0 ? "" : ",").append("\"l").append(i).append("\":\"v\"");
                }
                yield sb.append('}').toString();
            }
            case 1 -> "{\"k\":\"" + "v".repeat(257 + random.nextInt(500)) + "\"}";
            default -> "{\"\":\"v\"}";
        };
        return of(Kind.BAD_LABELS, key, ok.substring(0, ok.length() - 1) + ",\"labels\":" + labels + "}", BAD_LABELS);
    }

    /** An otherwise valid event; a null fragment leaves the field out. Fragments are raw JSON. */
    private static String event(String series, String tsJson, String valueJson) {
        StringBuilder sb = new StringBuilder("{");
        if (series != null) {
            sb.append("\"series\":\"").append(series).append('"');
        }
        if (tsJson != null) {
            sb.append(sb.length() > 1 ? "," : "").append("\"ts\":").append(tsJson);
        }
        if (valueJson != null) {
            sb.append(sb.length() > 1 ? "," : "").append("\"value\":").append(valueJson);
        }
        return sb.append('}').toString();
    }

    private String randomTs() {
        return random.nextBoolean() ? quoted(validTs.toString()) : Long.toString(validTs.toEpochMilli());
    }

    private String value() {
        return Double.toString(Math.round(random.nextDouble(-1000, 1000) * 1000) / 1000.0);
    }

    private String digits(int n) {
        StringBuilder sb = new StringBuilder(n);
        sb.append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < n; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }

    private static Malformed of(Kind kind, String key, String json, String reason) {
        return new Malformed(kind, key, json.getBytes(StandardCharsets.UTF_8), reason);
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 60 ? printable.substring(0, 60) + "..." : printable;
    }
}
