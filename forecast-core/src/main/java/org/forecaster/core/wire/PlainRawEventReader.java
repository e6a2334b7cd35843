package org.forecaster.core.wire;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The fast path of {@link RawEventParser#parse}: reads the common, plainly valid raw event straight from its bytes
 * (no token stream, no tree), about a tenth of the cost of Jackson's tree; issue 16's profile had the two JSON parses
 * of each event at 46 % of the ingest stream thread. It accepts only a strict subset of what the general parser
 * accepts: one object with the fields {@code series}, {@code ts}, {@code value} and optionally {@code labels}, each
 * once, in any order, JSON whitespace, printable-ASCII strings without escapes, plain JSON numbers. On anything else
 * (another field, an escape, a non-ASCII byte, a null, a duplicate, any rule of {@link RawEventParser} broken) it
 * returns {@code null} and the general parser decides, so results, rejection reasons and messages stay exactly the
 * general parser's. {@code PlainRawEventReaderTest} compares the two on random and malformed inputs.
 *
 * <p>{@link #eventTime} is the same idea for the ingest stream's timestamp extractor, which needs only the ts.
 */
public final class PlainRawEventReader {
    /** {@link #eventTime}'s answer when the event is not plain enough to tell: ask a general JSON reader. */
    public static final long UNKNOWN = Long.MIN_VALUE;

    private static final byte[] SERIES = ascii("series"), TS = ascii("ts"), VALUE = ascii("value"), LABELS = ascii("labels");
    private static final byte[][] LITERALS = {ascii("true"), ascii("false"), ascii("null")};
    /** Longest integer taken here: 18 digits always fit a long; more go to the general parser. */
    private static final int MAX_INT_DIGITS = 18;
    /** Longest label name and value (characters), as {@link RawEventParser#validate} allows. */
    private static final int MAX_LABEL_LENGTH = 256;

    private PlainRawEventReader() {}

    /**
     * The event in {@code b}, or {@code null} when it is not a plainly valid event of the accepted subset (the caller
     * then runs the general parser). {@code key}: the Kafka key, null or empty when absent.
     */
    static RawEvent read(byte[] b, String key, RawEventParser.Limits limits, InstantSource clock) {
        Reader r = new Reader(b);
        return r.event(key, limits, clock);
    }

    /**
     * The top-level {@code ts} of a plain event in epoch milliseconds (its first {@code ts} field: an integer of up to
     * 18 digits or an ISO-8601 string), -1 when the event plainly has none or its ts string does not parse, or
     * {@link #UNKNOWN} when anything before it (or the ts itself) is outside the plain subset: an escape, a non-ASCII
     * byte, a nested value, a float ts, malformed JSON. The caller then asks its general reader; in every other case
     * the answer is what a streaming JSON scan of the top-level fields gives (compared in {@code EventTimeExtractorTest}).
     */
    public static long eventTime(byte[] b) {
        return new Reader(b).eventTime();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** One pass over one event's bytes; every method returns a failure value on anything outside the subset. */
    private static final class Reader {
        private final byte[] b;
        private int pos;
        /** Start and end (exclusive) of the last string read by {@link #string}. */
        private int strFrom, strTo;
        /** The last number read by {@link #number}: its value, and whether it was an integer. */
        private double numValue;
        private long intValue;
        private boolean numIsInt;

        Reader(byte[] b) {
            this.b = b;
        }

        RawEvent event(String key, RawEventParser.Limits limits, InstantSource clock) {
            if (!skipWsExpect('{')) {
                return null;
            }
            String series = null;
            Instant ts = null;
            double value = 0;
            boolean hasValue = false;
            Map<String, String> labels = null;
            while (true) {
                if (!skipWsExpect('"') || !string()) {
                    return null;
                }
                int nameFrom = strFrom, nameTo = strTo;
                if (!skipWsExpect(':')) {
                    return null;
                }
                skipWs();
                if (is(nameFrom, nameTo, SERIES)) {
                    if (series != null || !expect('"') || !string()) {
                        return null;
                    }
                    series = seriesId(limits.maxSeriesLength());
                    if (series == null) {
                        return null;
                    }
                } else if (is(nameFrom, nameTo, TS)) {
                    if (ts != null) {
                        return null;
                    }
                    ts = timestamp();
                    if (ts == null) {
                        return null;
                    }
                } else if (is(nameFrom, nameTo, VALUE)) {
                    if (hasValue || !number() || !Double.isFinite(numValue)) {
                        return null;
                    }
                    value = numValue;
                    hasValue = true;
                } else if (is(nameFrom, nameTo, LABELS)) {
                    if (labels != null) {
                        return null;
                    }
                    labels = labels(limits.maxLabels());
                    if (labels == null) {
                        return null;
                    }
                } else {
                    return null; // another field: the general parser ignores it (and checks it is not a duplicate)
                }
                skipWs();
                if (pos >= b.length) {
                    return null;
                }
                byte c = b[pos++];
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    return null;
                }
            }
            skipWs();
            if (pos != b.length || series == null || ts == null || !hasValue) {
                return null;
            }
            if (key != null && !key.isEmpty() && !key.equals(series)) {
                return null;
            }
            if (ts.isBefore(limits.earliest()) || ts.isAfter(clock.instant().plus(limits.maxFutureSkew()))) {
                return null;
            }
            return new RawEvent(series, ts, value, labels == null ? Map.of() : labels);
        }

        long eventTime() {
            if (!skipWsExpect('{')) {
                return UNKNOWN;
            }
            skipWs();
            if (pos < b.length && b[pos] == '}') {
                return -1; // an empty object
            }
            while (true) {
                if (!skipWsExpect('"') || !string()) {
                    return UNKNOWN;
                }
                boolean ts = is(strFrom, strTo, TS);
                if (!skipWsExpect(':')) {
                    return UNKNOWN;
                }
                skipWs();
                if (pos >= b.length) {
                    return UNKNOWN;
                }
                if (ts) {
                    if (b[pos] == '"') {
                        pos++;
                        if (!string()) {
                            return UNKNOWN;
                        }
                        long ms = IsoInstants.parseMillis(b, strFrom, strTo - strFrom);
                        if (ms != Long.MIN_VALUE) {
                            return ms;
                        }
                        try {
                            return IsoInstants.parse(new String(b, strFrom, strTo - strFrom, StandardCharsets.ISO_8859_1)).toEpochMilli();
                        } catch (DateTimeParseException | ArithmeticException e) {
                            return -1;
                        }
                    }
                    return number() && numIsInt ? intValue : UNKNOWN;
                }
                if (!skipScalar()) {
                    return UNKNOWN;
                }
                skipWs();
                if (pos >= b.length) {
                    return UNKNOWN;
                }
                byte c = b[pos++];
                if (c == '}') {
                    return -1; // no ts
                }
                if (c != ',') {
                    return UNKNOWN;
                }
            }
        }

        /** Skips a plain string, a number, or {@code true}/{@code false}/{@code null} followed by a separator. */
        private boolean skipScalar() {
            byte c = b[pos];
            if (c == '"') {
                pos++;
                return string();
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return number();
            }
            for (byte[] literal : LITERALS) {
                if (pos + literal.length < b.length && is(pos, pos + literal.length, literal)) {
                    byte next = b[pos + literal.length];
                    if (next == ',' || next == '}' || next == ' ' || next == '\t' || next == '\n' || next == '\r') {
                        pos += literal.length;
                        return true;
                    }
                }
            }
            return false;
        }

        /** The series id just read by {@link #string}, if it has 1..max characters of the allowed set; else null. */
        private String seriesId(int maxLength) {
            int n = strTo - strFrom;
            if (n < 1 || n > maxLength) {
                return null;
            }
            for (int i = strFrom; i < strTo; i++) {
                byte c = b[i];
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '.' || c == '_' || c == '-' || c == ':' || c == '/' || c == '@' || c == '=';
                if (!ok) {
                    return null;
                }
            }
            return new String(b, strFrom, n, StandardCharsets.ISO_8859_1);
        }

        /** A ts value: an ISO-8601 string or an integer of epoch milliseconds; null for anything else. */
        private Instant timestamp() {
            if (pos < b.length && b[pos] == '"') {
                pos++;
                if (!string()) {
                    return null;
                }
                long ms = IsoInstants.parseMillis(b, strFrom, strTo - strFrom);
                if (ms != Long.MIN_VALUE) {
                    return Instant.ofEpochMilli(ms);
                }
                try {
                    return IsoInstants.parse(new String(b, strFrom, strTo - strFrom, StandardCharsets.ISO_8859_1));
                } catch (DateTimeParseException e) {
                    return null;
                }
            }
            return number() && numIsInt ? Instant.ofEpochMilli(intValue) : null;
        }

        /** An object of string labels within the general parser's limits; null for anything else. */
        private Map<String, String> labels(int maxLabels) {
            if (!expect('{')) {
                return null;
            }
            Map<String, String> m = new HashMap<>();
            skipWs();
            if (pos < b.length && b[pos] == '}') {
                pos++;
                return m;
            }
            while (true) {
                if (!skipWsExpect('"') || !string()) {
                    return null;
                }
                int nameFrom = strFrom, nameLength = strTo - strFrom;
                if (nameLength < 1 || nameLength > MAX_LABEL_LENGTH || !skipWsExpect(':') || !skipWsExpect('"') || !string()
                        || strTo - strFrom > MAX_LABEL_LENGTH) {
                    return null;
                }
                String name = new String(b, nameFrom, nameLength, StandardCharsets.ISO_8859_1);
                if (m.put(name, new String(b, strFrom, strTo - strFrom, StandardCharsets.ISO_8859_1)) != null
                        || m.size() > maxLabels) {
                    return null; // a duplicate name (malformed for the general parser) or too many labels
                }
                skipWs();
                if (pos >= b.length) {
                    return null;
                }
                byte c = b[pos++];
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    return null;
                }
            }
        }

        /**
         * The rest of a string whose opening quote was consumed: sets {@link #strFrom}/{@link #strTo}. Only printable
         * ASCII without escapes; false for anything else (escapes, control characters, non-ASCII bytes, no end).
         */
        private boolean string() {
            int from = pos;
            while (pos < b.length) {
                byte c = b[pos];
                if (c == '"') {
                    strFrom = from;
                    strTo = pos++;
                    return true;
                }
                if (c < 0x20 || c > 0x7e || c == '\\') {
                    return false;
                }
                pos++;
            }
            return false;
        }

        /**
         * A JSON number ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}) followed by whitespace, a comma or a
         * closing brace; integers of up to {@value #MAX_INT_DIGITS} digits are read exactly, others with
         * {@link Double#parseDouble} as Jackson does. False for anything else.
         */
        private boolean number() {
            int from = pos;
            boolean negative = pos < b.length && b[pos] == '-';
            if (negative) {
                pos++;
            }
            int digitsFrom = pos;
            long v = 0;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                v = v * 10 + (b[pos] - '0'); // overflow only past MAX_INT_DIGITS, which is refused below
                pos++;
            }
            int digits = pos - digitsFrom;
            if (digits == 0 || (digits > 1 && b[digitsFrom] == '0')) {
                return false;
            }
            boolean integer = true;
            if (pos < b.length && b[pos] == '.') {
                integer = false;
                pos++;
                if (!digits()) {
                    return false;
                }
            }
            if (pos < b.length && (b[pos] == 'e' || b[pos] == 'E')) {
                integer = false;
                pos++;
                if (pos < b.length && (b[pos] == '+' || b[pos] == '-')) {
                    pos++;
                }
                if (!digits()) {
                    return false;
                }
            }
            if (pos >= b.length) {
                return false;
            }
            byte next = b[pos];
            if (next != ',' && next != '}' && next != ' ' && next != '\t' && next != '\n' && next != '\r') {
                return false;
            }
            numIsInt = integer;
            if (integer) {
                if (digits > MAX_INT_DIGITS) {
                    return false;
                }
                intValue = negative ? -v : v;
                numValue = intValue;
            } else {
                numValue = Double.parseDouble(new String(b, from, pos - from, StandardCharsets.ISO_8859_1));
            }
            return true;
        }

        /** One or more ASCII digits. */
        private boolean digits() {
            int from = pos;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                pos++;
            }
            return pos > from;
        }

        private boolean is(int from, int to, byte[] name) {
            if (to - from != name.length) {
                return false;
            }
            for (int i = 0; i < name.length; i++) {
                if (b[from + i] != name[i]) {
                    return false;
                }
            }
            return true;
        }

        private void skipWs() {
            while (pos < b.length) {
                byte c = b[pos];
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private boolean expect(char c) {
            if (pos < b.length && b[pos] == c) {
                pos++;
                return true;
            }
            return false;
        }

        private boolean skipWsExpect(char c) {
            skipWs();
            return expect(c);
        }
    }
}
