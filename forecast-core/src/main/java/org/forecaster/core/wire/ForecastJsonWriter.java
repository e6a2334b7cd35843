package org.forecaster.core.wire;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a {@link ForecastRecord} (or a {@link Point}) as JSON byte for byte as {@link WireJson#write} does (same field order, number
 * forms, instant forms and string escapes; the tests compare the two on random records), about five times faster:
 * the model service writes one per point, and Jackson's general path was the largest cost per point after the
 * broker. Not thread-safe: it reuses its buffers, so keep one per stream task.
 */
public final class ForecastJsonWriter {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] buf = new byte[4096];
    private int pos;
    private final StringBuilder number = new StringBuilder(32);

    /** The record's JSON in a new array sized exactly. */
    public byte[] write(ForecastRecord r) {
        pos = 0;
        List<ForecastRecord.Step> steps = r.steps();
        ensure(256 + 6 * r.series().length() + steps.size() * (4 * IsoInstants.MAX_LENGTH + 3 * 32));
        ascii("{\"series\":");
        string(r.series());
        ascii(",\"observedTs\":");
        instant(r.observedTs());
        ascii(",\"observedValue\":");
        number(r.observedValue());
        ascii(",\"modelVersion\":");
        number.setLength(0);
        number.append(r.modelVersion());
        ascii(number);
        ascii(r.cold() ? ",\"cold\":true,\"level\":" : ",\"cold\":false,\"level\":");
        number(r.level());
        ascii(",\"steps\":[");
        for (int k = 0; k < steps.size(); k++) {
            ForecastRecord.Step s = steps.get(k);
            ascii(k == 0 ? "{\"ts\":" : ",{\"ts\":");
            instant(s.ts());
            ascii(",\"mean\":");
            number(s.mean());
            ascii(",\"lower\":");
            number(s.lower());
            ascii(",\"upper\":");
            number(s.upper());
            buf[pos++] = '}';
        }
        ascii("]}");
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
        number.setLength(0);
        number.append(p.count());
        ascii(number);
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
        pos = IsoInstants.write(t, buf, pos);
        buf[pos++] = '"';
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
