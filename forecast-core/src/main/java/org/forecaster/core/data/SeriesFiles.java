package org.forecaster.core.data;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.forecaster.core.train.Series;
import org.forecaster.core.wire.Point;

/**
 * Reads the two file layouts we evaluate on: {@code timestamp,value} CSV (NAB's layout, also what
 * {@code replay} sends; optionally with a window's {@code count,min,max}, as {@code scenario points} writes) and the
 * M4 competition's wide CSV ({@code "V1"} = id, then values; rows of different lengths), with Commons CSV (quoted
 * cells, extra columns). Errors name the file and line.
 */
public final class SeriesFiles {
    private static final DateTimeFormatter SPACE_SEPARATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private SeriesFiles() {}

    /**
     * Rows of a {@code timestamp,value} file, in file order; {@code trimmed}, when the file gives each row's window
     * ({@code count,min,max}), the rows' trimmed means ({@link Point#trimmedMean}), else null.
     */
    public record TimedValues(long[] timestamps, double[] values, double[] trimmed) {
        /** Rows of single values. */
        public TimedValues(long[] timestamps, double[] values) {
            this(timestamps, values, null);
        }

        public int size() {
            return values.length;
        }
    }

    /**
     * Reads a {@code timestamp,value} CSV with an optional header line (a first row whose first cell does not start
     * with a digit). Timestamps may be {@code yyyy-MM-dd HH:mm:ss} (UTC), ISO-8601 (instant or local date-time, UTC)
     * or epoch milliseconds. Cells may be quoted; columns after the value (e.g. {@code detect}'s scores) are ignored,
     * except {@code count}, {@code min} and {@code max} named by the header: each row is then a window of
     * {@code count} events between {@code min} and {@code max} with mean {@code value}, and its trimmed mean is read.
     */
    public static TimedValues readTimedCsv(Path file) throws IOException {
        List<TimedCells> rows = readTimedCells(file);
        long[] ts = new long[rows.size()];
        double[] vs = new double[rows.size()];
        double[] trimmed = !rows.isEmpty() && rows.get(0).count() != null ? new double[rows.size()] : null;
        for (int i = 0; i < rows.size(); i++) {
            TimedCells row = rows.get(i);
            ts[i] = parseTimestamp(row.timestamp(), file, row.line());
            vs[i] = number(row.value(), "value", file, row.line());
            if (trimmed != null && Double.isNaN(vs[i])) {
                trimmed[i] = Double.NaN; // a missing value, as in a single-value file
            } else if (trimmed != null) {
                double count = number(row.count(), "count", file, row.line());
                double min = number(row.min(), "min", file, row.line()), max = number(row.max(), "max", file, row.line());
                // A mean a rounding outside [min, max] (equal events summed) is fine: trimmedMean keeps the mean then.
                if (count < 1 || count != Math.rint(count) || !(min <= max)) {
                    throw new IllegalArgumentException(file + ":" + row.line() + ": a window of count " + row.count()
                            + " with min " + row.min() + " and max " + row.max()
                            + " is not possible (count a positive whole number, min <= max)");
                }
                trimmed[i] = Point.trimmedMean((long) count, vs[i], min, max);
            }
        }
        return new TimedValues(ts, vs, trimmed);
    }

    private static double number(String cell, String column, Path file, int line) {
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ":" + line + ": " + column + " '" + cell + "' is not a number");
        }
    }

    /**
     * The timestamp and value cells of one data row as written (unquoted), and the line it ends on; its window's
     * {@code count}, {@code min} and {@code max} cells where the header names those columns, else null.
     */
    public record TimedCells(String timestamp, String value, int line, String count, String min, String max) {}

    /** The data rows of a {@code timestamp,value} CSV, the rows {@link #readTimedCsv} reads, in file order. */
    public static List<TimedCells> readTimedCells(Path file) throws IOException {
        List<TimedCells> out = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser csv = CSVParser.parse(in, CELLS)) {
            boolean first = true;
            int countAt = -1, minAt = -1, maxAt = -1;
            for (CSVRecord r : csvRecords(csv, file)) {
                int line = (int) csv.getCurrentLineNumber();
                boolean header = first && (r.get(0).isEmpty() || !Character.isDigit(r.get(0).charAt(0)));
                first = false;
                if (header) {
                    List<String> names = r.toList().stream().map(c -> c.toLowerCase(java.util.Locale.ROOT)).toList();
                    if (names.contains("count") && names.contains("min") && names.contains("max")) {
                        countAt = names.indexOf("count");
                        minAt = names.indexOf("min");
                        maxAt = names.indexOf("max");
                    }
                    continue;
                }
                int width = Math.max(2, Math.max(countAt, Math.max(minAt, maxAt)) + 1);
                if (r.size() < width) {
                    throw new IllegalArgumentException(file + ":" + line + ": expected " + (width == 2 ? "'timestamp,value'"
                            : width + " cells as the header names") + ", got '" + String.join(",", r.toList()) + "'");
                }
                out.add(countAt < 0 ? new TimedCells(r.get(0), r.get(1), line, null, null, null)
                        : new TimedCells(r.get(0), r.get(1), line, r.get(countAt), r.get(minAt), r.get(maxAt)));
            }
        }
        return out;
    }

    /** Cells as Excel and NAB write them: comma-separated, optionally quoted, blank lines and surrounding spaces ignored. */
    private static final CSVFormat CELLS = CSVFormat.DEFAULT.builder().setTrim(true).setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true).get();

    /** The parser's records, with a malformed file (an unclosed quote) reported by file and line. */
    private static Iterable<CSVRecord> csvRecords(CSVParser csv, Path file) {
        Iterator<CSVRecord> records = csv.iterator();
        return () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return records.hasNext();
                } catch (UncheckedIOException e) {
                    throw new IllegalArgumentException(file + ":" + csv.getCurrentLineNumber() + ": not valid CSV: "
                            + e.getCause().getMessage(), e);
                }
            }

            @Override
            public CSVRecord next() {
                return records.next();
            }
        };
    }

    /** Parses one timestamp in any of the accepted forms; the message names file and line. */
    public static long parseTimestamp(String s, Path file, int line) {
        String t = s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2 ? s.substring(1, s.length() - 1) : s;
        try {
            if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(t);
            }
            if (t.length() == 19 && t.charAt(10) == ' ') {
                return LocalDateTime.parse(t, SPACE_SEPARATED).toInstant(ZoneOffset.UTC).toEpochMilli();
            }
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return Instant.parse(t).toEpochMilli();
            }
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(file + ":" + line + ": timestamp '" + s
                    + "' is not 'yyyy-MM-dd HH:mm:ss', ISO-8601 or epoch milliseconds");
        }
    }

    /**
     * Common sampling intervals, in milliseconds, that an estimated step within {@link #SNAP_TOLERANCE} of one is
     * taken to be: 1, 2, 5, 10, 15, 20, 30 seconds; 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 minutes; 1, 2, 3, 4, 6, 8, 12
     * hours; a day; a week. Each divides a day or a week, so a series stamped with jitter keeps its daily season.
     */
    static final long[] COMMON_STEPS = {
            1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 30_000,
            60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 600_000, 720_000, 900_000, 1_200_000, 1_800_000,
            3_600_000, 7_200_000, 10_800_000, 14_400_000, 21_600_000, 28_800_000, 43_200_000, 86_400_000, 604_800_000};
    /** Relative distance within which an estimated step snaps to a common interval. */
    static final double SNAP_TOLERANCE = 0.02;

    /**
     * The series' step: the spacing at which it has one row per step for most of its time, robust to jitter,
     * duplicates, bursts of rows at nearly the same time, missing rows and outages. Located by the time-weighted
     * median spacing {@code m} (the spacing around a random instant of the series; rows closer together, however
     * many, cover little time), leaving out outages (spacings over 5 % of the series' span and over 10 times the
     * median spacing); then the step is the median of the spacings from {@code m/4} up to the outages (closer rows
     * are bursts; symmetric jitter leaves the median in place), and then the median of those within half of it on
     * either side (the one-step spacings: missing rows no longer pull it up), snapped to a common sampling interval within 2 % ({@link #COMMON_STEPS}), else rounded to whole
     * seconds (whole milliseconds below 10 s). A regular grid gives its spacing, or the common interval within 2 % of
     * it. Throws if no two timestamps differ.
     */
    public static long inferStep(long[] timestamps) {
        long[] d = new long[Math.max(0, timestamps.length - 1)];
        int n = 0;
        for (int i = 1; i < timestamps.length; i++) {
            long diff = timestamps[i] - timestamps[i - 1];
            if (diff > 0) {
                d[n++] = diff;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("cannot infer a step from " + timestamps.length + " timestamps");
        }
        Arrays.sort(d, 0, n);
        double span = 0;
        for (int i = 0; i < n; i++) {
            span += d[i];
        }
        long countMedian = d[n / 2];
        int kept = n;
        while (kept > 1 && d[kept - 1] > 0.05 * span && d[kept - 1] > 10 * countMedian) {
            kept--; // an outage, not a step
        }
        double total = 0;
        for (int i = 0; i < kept; i++) {
            total += d[i];
        }
        double m = d[kept - 1], cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += d[i];
            if (cumulative >= total / 2) {
                m = d[i];
                break;
            }
        }
        // The step: the median of the spacings from m/4 up to the outages (rows closer than a quarter of the typical
        // spacing are bursts; jitter, even of 40 % of a step, is symmetric and leaves the median in place).
        int from = 0;
        while (d[from] < m / 4) {
            from++; // stops at m, which is in range
        }
        double typical = median(d, from, kept);
        // Missing rows (spacings of 2, 3 steps) pull that median up within the one-step spacings; their median
        // is the step.
        int lo = from, hi = kept;
        while (d[lo] < typical / 2) {
            lo++;
        }
        while (d[hi - 1] >= 1.5 * typical) {
            hi--;
        }
        typical = median(d, lo, hi);
        long best = 0;
        for (long c : COMMON_STEPS) {
            if (Math.abs(typical - c) <= SNAP_TOLERANCE * c
                    && (best == 0 || Math.abs(typical - c) < Math.abs(typical - best))) {
                best = c;
            }
        }
        if (best > 0) {
            return best;
        }
        long unit = typical >= 10_000 ? 1_000 : 1;
        return Math.max(1, Math.round(typical / unit) * unit);
    }

    /** The median of the sorted {@code d[from..to)}, which is not empty. */
    private static double median(long[] d, int from, int to) {
        int k = to - from;
        return k % 2 == 1 ? d[from + k / 2] : (d[from + k / 2 - 1] + (double) d[from + k / 2]) / 2;
    }

    /**
     * Places rows on a regular grid of {@code stepMillis} starting at the first timestamp: each row goes to
     * its nearest grid step (a later row wins a shared step), steps without a row are missing (NaN). The rows'
     * trimmed means, where read, go with them ({@link Series#trimmed}).
     */
    public static Series regularize(String id, TimedValues rows, long stepMillis) {
        if (rows.size() == 0) {
            throw new IllegalArgumentException("series " + id + " has no rows");
        }
        long start = rows.timestamps()[0];
        long last = Arrays.stream(rows.timestamps()).max().orElseThrow();
        long steps = Math.floorDiv(last - start + stepMillis / 2, stepMillis) + 1;
        if (steps > 50_000_000L) {
            throw new IllegalArgumentException("series " + id + " spans " + steps + " steps of " + stepMillis + " ms; wrong step?");
        }
        float[] v = new float[(int) steps];
        Arrays.fill(v, Float.NaN);
        float[] trimmed = rows.trimmed() == null ? null : v.clone();
        for (int i = 0; i < rows.size(); i++) {
            long k = Math.floorDiv(rows.timestamps()[i] - start + stepMillis / 2, stepMillis);
            if (k >= 0) {
                v[(int) k] = (float) rows.values()[i];
                if (trimmed != null) {
                    trimmed[(int) k] = (float) rows.trimmed()[i];
                }
            }
        }
        return new Series(id, start, stepMillis, v, trimmed);
    }

    /**
     * Reads an M4 training file: header line, then per row a quoted id and the series' values (trailing
     * empty cells ignored). Series start at epoch 0 with the given step (M4 gives no timestamps).
     */
    public static List<Series> readM4(Path file, long stepMillis) throws IOException {
        List<Series> out = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser csv = CSVParser.parse(in, CELLS)) {
            boolean header = true;
            for (CSVRecord r : csvRecords(csv, file)) {
                if (header) {
                    header = false;
                    continue;
                }
                long line = csv.getCurrentLineNumber();
                float[] v = new float[r.size() - 1];
                int n = 0;
                for (int i = 1; i < r.size(); i++) {
                    String c = r.get(i);
                    if (c.isEmpty()) {
                        continue;
                    }
                    try {
                        v[n++] = Float.parseFloat(c);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(file + ":" + line + ": cell " + (i + 1) + " '" + c + "' is not a number");
                    }
                }
                out.add(new Series(r.get(0), 0, stepMillis, Arrays.copyOf(v, n)));
            }
        }
        return out;
    }
}
