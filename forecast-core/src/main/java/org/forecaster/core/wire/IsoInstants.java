package org.forecaster.core.wire;

import java.time.Instant;

/**
 * ISO-8601 instants in UTC ({@code 2014-04-10T00:05:00Z}, {@code ...:00.250Z}) written and read without the
 * general {@link java.time.format.DateTimeFormatter}, which costs about a microsecond per instant and allocates;
 * the forecast path formats thirteen instants per point. Only years 0000..9999 at millisecond precision take the
 * fast path; anything else goes through {@link Instant#toString()} / {@link Instant#parse}, so the output is always
 * exactly what {@code DateTimeFormatter.ISO_INSTANT} (and so Jackson) produces.
 */
public final class IsoInstants {
    /** Epoch milliseconds of 0000-01-01T00:00:00Z and of 10000-01-01T00:00:00Z: the fast path's range. */
    private static final long MIN_MILLIS = -62167219200000L;
    private static final long MAX_MILLIS = 253402300800000L;

    private IsoInstants() {}

    /** Appends the ISO form of {@code t} to {@code out} as ASCII bytes; returns the new position. */
    static int write(Instant t, byte[] out, int pos) {
        return write(t, out, pos, null);
    }

    /**
     * The last day a writer wrote and its {@code yyyy-MM-dd} text: a forecast's instants mostly fall on one day, and
     * then only the time of day is computed. Not thread-safe; one per writer.
     */
    static final class Day {
        private long day = Long.MIN_VALUE;
        private final byte[] text = new byte[10];
    }

    /** {@link #write(Instant, byte[], int)}, reusing {@code last}'s date text when {@code t} falls on its day (null: no reuse). */
    static int write(Instant t, byte[] out, int pos, Day last) {
        long seconds = t.getEpochSecond();
        int nanos = t.getNano();
        if (nanos % 1_000_000 != 0 || seconds < MIN_MILLIS / 1000 || seconds >= MAX_MILLIS / 1000) {
            String s = t.toString();
            for (int i = 0; i < s.length(); i++) {
                out[pos++] = (byte) s.charAt(i);
            }
            return pos;
        }
        long days = Math.floorDiv(seconds, 86_400L);
        int secOfDay = (int) (seconds - days * 86_400L);
        if (last != null && last.day == days) {
            System.arraycopy(last.text, 0, out, pos, 10);
            pos += 10;
        } else {
            int start = pos;
            pos = date(days, out, pos);
            if (last != null) {
                last.day = days;
                System.arraycopy(out, start, last.text, 0, 10);
            }
        }
        out[pos++] = 'T';
        int hour = secOfDay / 3600, rest = secOfDay - hour * 3600, minute = rest / 60;
        pos = two(hour, out, pos);
        out[pos++] = ':';
        pos = two(minute, out, pos);
        out[pos++] = ':';
        pos = two(rest - minute * 60, out, pos);
        if (nanos != 0) {
            int millis = nanos / 1_000_000;
            out[pos++] = '.';
            out[pos++] = (byte) ('0' + millis / 100);
            pos = two(millis % 100, out, pos);
        }
        out[pos++] = 'Z';
        return pos;
    }

    /** {@code yyyy-MM-dd} of a day (since 1970-01-01) of the years 0000..9999. */
    private static int date(long days, byte[] out, int pos) {
        // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil inverse).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        pos = two(year / 100, out, pos);
        pos = two(year % 100, out, pos);
        out[pos++] = '-';
        pos = two(month, out, pos);
        out[pos++] = '-';
        return two(day, out, pos);
    }

    /** The longest form {@link #write} produces (a fallback of a far year with nanoseconds). */
    static final int MAX_LENGTH = 40;

    /** Two digits of 0..99 from a table, without a division. */
    private static int two(int v, byte[] out, int pos) {
        out[pos] = FloatDecimal.DIGIT_TENS[v];
        out[pos + 1] = FloatDecimal.DIGIT_ONES[v];
        return pos + 2;
    }

    /**
     * {@code s} as an instant, exactly as {@link Instant#parse} reads it (the same result, the same
     * {@link java.time.format.DateTimeParseException}): the common forms without the general formatter, which was a
     * fifth of the ingest stream thread's time (it parses every event's ts twice; issue 16's measurement).
     */
    public static Instant parse(String s) {
        long ms = parseMillis(s);
        return ms == Long.MIN_VALUE ? Instant.parse(s) : Instant.ofEpochMilli(ms);
    }

    /**
     * Parses {@code yyyy-MM-ddTHH:mm:ss[.SSS]Z} from {@code s}; returns {@code Long.MIN_VALUE} for any other form
     * (the caller then uses the general parser). No range check is needed beyond the digits: a month 13 or a
     * day 32 is rejected here too and left to the general parser to report.
     */
    static long parseMillis(String s) {
        int n = s.length();
        if ((n != 20 && n != 24) || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = num(s, 0, 4), month = num(s, 5, 2), day = num(s, 8, 2);
        int hour = num(s, 11, 2), minute = num(s, 14, 2), second = num(s, 17, 2);
        int millis = 0;
        if (n == 24) {
            if (s.charAt(19) != '.') {
                return Long.MIN_VALUE;
            }
            millis = num(s, 20, 3);
        }
        return millis(year, month, day, hour, minute, second, millis);
    }

    /**
     * {@link #parseMillis(String)} of the ASCII bytes {@code b[from, from + n)}, for readers of raw bytes (the ingest
     * service's plain event reader), without making a String first.
     */
    static long parseMillis(byte[] b, int from, int n) {
        if ((n != 20 && n != 24) || b[from + 4] != '-' || b[from + 7] != '-' || b[from + 10] != 'T'
                || b[from + 13] != ':' || b[from + 16] != ':' || b[from + n - 1] != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = num(b, from, 4), month = num(b, from + 5, 2), day = num(b, from + 8, 2);
        int hour = num(b, from + 11, 2), minute = num(b, from + 14, 2), second = num(b, from + 17, 2);
        int millis = 0;
        if (n == 24) {
            if (b[from + 19] != '.') {
                return Long.MIN_VALUE;
            }
            millis = num(b, from + 20, 3);
        }
        return millis(year, month, day, hour, minute, second, millis);
    }

    /** Epoch milliseconds of the fields (-1 for a non-digit), or {@code Long.MIN_VALUE} when any is out of range. */
    private static long millis(int year, int month, int day, int hour, int minute, int second, int millis) {
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) {
            return Long.MIN_VALUE;
        }
        // Days since 1970-01-01 of the civil date (Howard Hinnant's days_from_civil).
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        long days = era * 146_097 + doe - 719_468;
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    /** The decimal value of {@code len} ASCII digits at {@code from}, or -1 if any is not a digit. */
    private static int num(byte[] b, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            int c = b[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** The decimal value of {@code len} ASCII digits at {@code from}, or -1 if any is not a digit. */
    private static int num(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
