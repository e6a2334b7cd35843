package org.forecaster.core.wire;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a {@link ForecastRecord} (or a {@link Point}) as JSON byte for byte as {@link WireJson#write} does (same field
 * order, number forms, instant forms and string escapes; the tests compare the two on random records), several times
 * faster: the model service writes one per point, and Jackson's general path was the largest cost per point after
 * the broker. Not thread-safe: it reuses its buffers, so keep one per stream task.
 *
 * <p><b>Numbers.</b> A {@link Point}'s numbers, and a forecast's {@code observedValue} (the input, echoed), are written
 * as Jackson writes them ({@link Double#toString}: the shortest decimal that reads back as the same double), byte for
 * byte. A forecast step's {@code mean}, {@code lower} and {@code upper} carry the model's precision instead where that
 * loses nothing ({@link ForecastRecord.Step#atFloatPrecision}: the float grain within 1e-4 of the step's interval
 * half-width, true of any series whose spread is not tiny against its magnitude), and the interval {@code level}
 * always: such a number is written as {@code Float.toString((float) v)} would write it, the shortest decimal that
 * {@link Float#parseFloat} reads back as exactly {@code (float) v} (at most nine significant digits, at least one digit
 * after the point: {@code 43.218}, {@code 12.0}, {@code -0.0}; plain for 10<sup>-3</sup> &le; |v| &lt; 10<sup>7</sup>,
 * {@code 1.0E7} / {@code 2.5E-4} outside), into the buffer by {@link FloatDecimal} without a String (Jackson writes the
 * same through {@link FloatPrecisionSerializer}); the shortest double form costs about twice as much. NaN and the
 * infinities are the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} (as Jackson writes them), and a
 * double beyond float's range keeps its double form. {@code modelVersion} is an integer as before.
 */
public final class ForecastJsonWriter {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The forecast's field names and punctuation, copied as bytes (a char-by-char copy was 5-8 % of the hop's samples). */
    private static final byte[] SERIES = bytesOf("{\"series\":");
    private static final byte[] OBSERVED_TS = bytesOf(",\"observedTs\":");
    private static final byte[] OBSERVED_VALUE = bytesOf(",\"observedValue\":");
    private static final byte[] MODEL_VERSION = bytesOf(",\"modelVersion\":");
    private static final byte[] STEPS = bytesOf(",\"steps\":[");
    private static final byte[] MEAN = bytesOf(",\"mean\":");
    private static final byte[] LOWER = bytesOf(",\"lower\":");
    private static final byte[] UPPER = bytesOf(",\"upper\":");
    private static final byte[] END = bytesOf("]}");
    private static final byte[] COLD_LEVEL = bytesOf(",\"cold\":true,\"level\":"), WARM_LEVEL = bytesOf(",\"cold\":false,\"level\":");
    private static final byte[] FIRST_TS = bytesOf("{\"ts\":"), NEXT_TS = bytesOf(",{\"ts\":");

    private static byte[] bytesOf(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private byte[] buf = new byte[4096];
    private int pos;
    private final StringBuilder number = new StringBuilder(32);
    /** The date text of the last instant written: a forecast's steps mostly fall on one day. */
    private final IsoInstants.Day day = new IsoInstants.Day();

    /** The record's JSON in a new array sized exactly. */
    public byte[] write(ForecastRecord r) {
        pos = 0;
        List<ForecastRecord.Step> steps = r.steps();
        ensure(256 + 6 * r.series().length() + steps.size() * (4 * IsoInstants.MAX_LENGTH + 3 * 32));
        bytes(SERIES);
        string(r.series());
        bytes(OBSERVED_TS);
        instant(r.observedTs());
        bytes(OBSERVED_VALUE);
        number(r.observedValue());
        bytes(MODEL_VERSION);
        integer(r.modelVersion());
        bytes(r.cold() ? COLD_LEVEL : WARM_LEVEL);
        floatNumber(r.level());
        bytes(STEPS);
        for (int k = 0; k < steps.size(); k++) {
            ForecastRecord.Step s = steps.get(k);
            bytes(k == 0 ? FIRST_TS : NEXT_TS);
            instant(s.ts());
            double half = s.halfWidth();
            bytes(MEAN);
            stepNumber(s.mean(), half);
            bytes(LOWER);
            stepNumber(s.lower(), half);
            bytes(UPPER);
            stepNumber(s.upper(), half);
            buf[pos++] = '}';
        }
        bytes(END);
        return Arrays.copyOf(buf, pos);
    }

    /** The point's JSON (the ingest service writes one per closed window) in a new array sized exactly. */
    public byte[] write(Point p) {
        pos = 0;
        ensure(256 + 6 * (p.series() == null ? 4 : p.series().length()) + 2 * IsoInstants.MAX_LENGTH + 5 * 32);
        ascii("{\"series\":");
        string(p.series());
        ascii(",\"windowStart\":");
        instant(p.windowStart());
        ascii(",\"windowEnd\":");
        instant(p.windowEnd());
        ascii(",\"count\":");
        integer(p.count());
        ascii(",\"mean\":");
        number(p.mean());
        ascii(",\"min\":");
        number(p.min());
        ascii(",\"max\":");
        number(p.max());
        ascii(",\"last\":");
        number(p.last());
        buf[pos++] = '}';
        return Arrays.copyOf(buf, pos);
    }

    private void instant(Instant t) {
        if (t == null) {
            ascii("null");
            return;
        }
        buf[pos++] = '"';
        pos = IsoInstants.write(t, buf, pos, day);
        buf[pos++] = '"';
    }

    /**
     * A forecast's number at float precision (see the class comment): {@code Float.toString((float) v)}'s text; NaN,
     * infinities and doubles beyond float's range as {@link #number(double)} writes them.
     */
    private void floatNumber(double v) {
        float f = (float) v;
        if (Float.isFinite(f)) {
            pos = FloatDecimal.write(f, buf, pos);
        } else {
            number(v);
        }
    }

    /** A step's number: in float form where {@link ForecastRecord.Step#atFloatPrecision} allows, else as a double. */
    private void stepNumber(double v, double halfWidth) {
        if (ForecastRecord.Step.atFloatPrecision(v, halfWidth)) {
            pos = FloatDecimal.write((float) v, buf, pos);
        } else {
            number(v);
        }
    }

    /** A long's decimal digits, as Jackson writes it. */
    private void integer(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                ascii("-9223372036854775808");
                return;
            }
            buf[pos++] = '-';
            v = -v;
        }
        int n = 1;
        for (long x = v; x >= 10; x /= 10) {
            n++;
        }
        for (int i = pos + n - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        pos += n;
    }

    /** Double.toString's shortest form, as Jackson writes it; NaN and infinities as strings, as Jackson does. */
    private void number(double v) {
        number.setLength(0);
        number.append(v);
        if (Double.isFinite(v)) {
            ascii(number);
        } else {
            buf[pos++] = '"';
            ascii(number);
            buf[pos++] = '"';
        }
    }

    private void bytes(byte[] b) {
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    /** ASCII text as bytes (field names, and numbers already formatted into {@link #number}). */
    private void ascii(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    /** A JSON string in UTF-8 with Jackson's escapes: \" \\ \b \t \n \f \r, other controls and surrogates as backslash-u and four hex digits. */
    private void string(String s) {
        if (s == null) {
            ascii("null");
            return;
        }
        buf[pos++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                buf[pos++] = (byte) c;
            } else if (c < 0x80) {
                escape(c);
            } else if (c < 0x800) {
                buf[pos++] = (byte) (0xC0 | c >> 6);
                buf[pos++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                escape(c); // Jackson writes characters outside the BMP as escaped surrogate pairs
            } else {
                buf[pos++] = (byte) (0xE0 | c >> 12);
                buf[pos++] = (byte) (0x80 | c >> 6 & 0x3F);
                buf[pos++] = (byte) (0x80 | c & 0x3F);
            }
        }
        buf[pos++] = '"';
    }

    private void escape(char c) {
        buf[pos++] = '\\';
        switch (c) {
            case '"' -> buf[pos++] = '"';
            case '\\' -> buf[pos++] = '\\';
            case '\b' -> buf[pos++] = 'b';
            case '\t' -> buf[pos++] = 't';
            case '\n' -> buf[pos++] = 'n';
            case '\f' -> buf[pos++] = 'f';
            case '\r' -> buf[pos++] = 'r';
            default -> {
                buf[pos++] = 'u';
                buf[pos++] = HEX[c >> 12];
                buf[pos++] = HEX[c >> 8 & 0xF];
                buf[pos++] = HEX[c >> 4 & 0xF];
                buf[pos++] = HEX[c & 0xF];
            }
        }
    }

    private void ensure(int capacity) {
        if (buf.length < capacity) {
            buf = new byte[Math.max(capacity, 2 * buf.length)];
        }
    }
}
