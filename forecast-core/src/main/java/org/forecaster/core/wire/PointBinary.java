package org.forecaster.core.wire;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The binary form of a {@link Point} on {@code telemetry.points} (issue 18): a version byte, then fixed-width fields,
 * then the series id. Big-endian, as {@link java.io.DataOutput}. Version 1, {@value #FIXED_LENGTH} + n bytes:
 * <pre>
 * offset  size  field
 *      0     1  version tag 0x01
 *      1     8  windowStart, epoch milliseconds (int64)
 *      9     8  windowEnd, epoch milliseconds (int64)
 *     17     8  count (int64)
 *     25     8  mean, IEEE 754 bits (NaN payloads and -0.0 kept)
 *     33     8  min
 *     41     8  max
 *     49     8  last
 *     57     4  n, length of the series id in bytes (int32)
 *     61     n  series id, UTF-8
 * </pre>
 * The version byte is a control character that no JSON text can start with (JSON starts with a value or with
 * whitespace: tab, line feed, carriage return, space), so one reader tells the two forms apart by the first byte
 * ({@link PointReader}). Bytes 0x00–0x1F other than JSON's whitespace are reserved for binary versions.
 * Stateless and thread-safe.
 */
public final class PointBinary {
    /** The version this code writes and reads. */
    public static final byte VERSION_1 = 0x01;
    /** Bytes before the series id. */
    public static final int FIXED_LENGTH = 61;

    private PointBinary() {}

    /**
     * True when {@code first} (a record's first byte) is a binary point's version tag, known or not: a control
     * character other than JSON whitespace.
     */
    public static boolean isBinaryTag(byte first) {
        return first >= 0 && first < 0x20 && first != '\t' && first != '\n' && first != '\r';
    }

    /**
     * The point's bytes, in a new array sized exactly.
     *
     * @throws IllegalArgumentException when the point has no binary form: a null series or window bound, a bound
     *                                  with sub-millisecond precision or beyond the epoch-millisecond range, or a
     *                                  series id with an unpaired surrogate (it has no UTF-8 form). Ingest never
     *                                  writes such points.
     */
    public static byte[] write(Point p) {
        if (p.series() == null) {
            throw new IllegalArgumentException("a binary point needs a series id, the point has none: " + p);
        }
        long start = millis("window start", p.windowStart());
        long end = millis("window end", p.windowEnd());
        String id = p.series();
        byte[] series = isAscii(id) ? null : utf8(id); // ASCII ids (all ingest accepts) go straight into the record
        int n = series == null ? id.length() : series.length;
        byte[] out = new byte[FIXED_LENGTH + n];
        out[0] = VERSION_1;
        putLong(out, 1, start);
        putLong(out, 9, end);
        putLong(out, 17, p.count());
        putLong(out, 25, Double.doubleToRawLongBits(p.mean()));
        putLong(out, 33, Double.doubleToRawLongBits(p.min()));
        putLong(out, 41, Double.doubleToRawLongBits(p.max()));
        putLong(out, 49, Double.doubleToRawLongBits(p.last()));
        putInt(out, 57, n);
        if (series == null) {
            for (int i = 0; i < n; i++) {
                out[FIXED_LENGTH + i] = (byte) id.charAt(i);
            }
        } else {
            System.arraycopy(series, 0, out, FIXED_LENGTH, n);
        }
        return out;
    }

    /**
     * The point in {@code bytes}, which must start with a binary version tag ({@link #isBinaryTag}).
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown version, a truncated or overlong record,
     *                                  a negative series length, or a series id that is not UTF-8
     */
    public static Point read(byte[] bytes) {
        int n = check(bytes);
        return new Point(series(bytes, n), Instant.ofEpochMilli(getLong(bytes, 1)), Instant.ofEpochMilli(getLong(bytes, 9)),
                getLong(bytes, 17), Double.longBitsToDouble(getLong(bytes, 25)), Double.longBitsToDouble(getLong(bytes, 33)),
                Double.longBitsToDouble(getLong(bytes, 41)), Double.longBitsToDouble(getLong(bytes, 49)));
    }

    /**
     * Reads the fields the model service steps by into {@code into} without building the point ({@link
     * PointReader#read(byte[], PointReader.Fields)}): the same checks and exceptions as {@link #read}, the series
     * id's UTF-8 included, but the id is decoded only when asked for.
     */
    static void read(byte[] bytes, PointReader.Fields into) {
        int n = check(bytes);
        for (int i = FIXED_LENGTH; i < bytes.length; i++) {
            if (bytes[i] < 0) {
                series(bytes, n); // not ASCII: checked as read checks it (allocates, for such ids only)
                break;
            }
        }
        double mean = Double.longBitsToDouble(getLong(bytes, 25));
        into.set(bytes, null, Instant.ofEpochMilli(getLong(bytes, 1)), mean, getLong(bytes, 17),
                Double.longBitsToDouble(getLong(bytes, 33)), Double.longBitsToDouble(getLong(bytes, 41)));
    }

    /** The series id of a record {@link #read(byte[], PointReader.Fields)} has read. */
    static String series(byte[] bytes) {
        return series(bytes, bytes.length - FIXED_LENGTH);
    }

    /** Checks what {@link #read} checks before decoding, with its messages; returns the series id's length. */
    private static int check(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty point record");
        }
        if (bytes[0] != VERSION_1) {
            throw new IllegalArgumentException(String.format("unknown binary point version 0x%02x; this reader knows "
                    + "version 0x%02x and JSON: upgrade the reader", bytes[0] & 0xFF, VERSION_1));
        }
        if (bytes.length < FIXED_LENGTH) {
            throw new IllegalArgumentException("truncated binary point: " + bytes.length + " bytes, version 1 has at least "
                    + FIXED_LENGTH);
        }
        int n = getInt(bytes, 57);
        if (n < 0 || n != bytes.length - FIXED_LENGTH) {
            throw new IllegalArgumentException("binary point declares a series id of " + n + " bytes but "
                    + (bytes.length - FIXED_LENGTH) + " follow the fixed fields");
        }
        return n;
    }

    private static long millis(String what, Instant t) {
        if (t == null) {
            throw new IllegalArgumentException("a binary point needs a " + what + ", the point has none");
        }
        if (t.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("a binary point carries epoch milliseconds; " + what + " " + t
                    + " has sub-millisecond precision");
        }
        try {
            return t.toEpochMilli();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + " " + t + " is outside the epoch-millisecond range", e);
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static byte[] utf8(String s) {
        try {
            // Strict: String.getBytes would write '?' for an unpaired surrogate, silently changing the series id.
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("series id has an unpaired surrogate at index " + unpairedSurrogate(s)
                    + ", so no UTF-8 form", e);
        }
    }

    private static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static String series(byte[] bytes, int n) {
        for (int i = FIXED_LENGTH; i < bytes.length; i++) {
            if (bytes[i] < 0) {
                try {
                    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, FIXED_LENGTH, n)).toString();
                } catch (CharacterCodingException e) {
                    throw new IllegalArgumentException("binary point's series id is not valid UTF-8 (" + e + ")", e);
                }
            }
        }
        return new String(bytes, FIXED_LENGTH, n, StandardCharsets.ISO_8859_1); // all ASCII
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int k = 7; k >= 0; k--) {
            b[at + k] = (byte) v;
            v >>>= 8;
        }
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static long getLong(byte[] b, int at) {
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v = v << 8 | b[at + k] & 0xFF;
        }
        return v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }
}
