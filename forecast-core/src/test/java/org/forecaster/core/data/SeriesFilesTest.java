package org.forecaster.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.core.train.Series;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeriesFilesTest {
    private static final long T0 = 1_420_070_400_000L;
    private static final long MIN = 60_000L;

    /** n timestamps of this step, each moved by a uniform whole second within +-jitter of the step (order kept). */
    private static long[] jittered(int n, long step, double jitter, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = T0 + i * step + Math.round((r.nextDouble() * 2 - 1) * jitter * step / 1000) * 1000;
            if (i > 0) {
                t[i] = Math.max(t[i], t[i - 1]);
            }
        }
        return t;
    }

    @Test
    void aRegularGridGivesItsSpacingEvenAnUncommonOne() {
        for (long step : new long[] {300_000, 3_600_000, 7 * MIN, 13_000, 1500}) {
            long[] t = new long[500];
            for (int i = 0; i < t.length; i++) {
                t[i] = T0 + i * step;
            }
            assertEquals(step, SeriesFiles.inferStep(t), "step " + step);
        }
    }

    @Test
    void jitteredTimestampsGiveTheirStepNotTheMostCommonSpacing() {
        // With +-10 % or +-40 % jitter at whole seconds no spacing dominates; the most common one is some value near
        // the step (e.g. 297 s), which divides no day: the seasonal reference would be lost.
        for (long step : new long[] {MIN, 5 * MIN, 10 * MIN, 30 * MIN, 60 * MIN}) {
            for (double jitter : new double[] {0.1, 0.4}) {
                for (long seed = 1; seed <= 3; seed++) {
                    assertEquals(step, SeriesFiles.inferStep(jittered(4000, step, jitter, seed)),
                            "step " + step + ", jitter " + jitter + ", seed " + seed);
                }
            }
        }
    }

    @Test
    void duplicatesBurstsAndMissingRowsDoNotMoveTheStep() {
        long step = 5 * MIN;
        long[] t = jittered(4000, step, 0.1, 7);
        SplittableRandom r = new SplittableRandom(8);
        long[] withExtras = new long[t.length * 2];
        int n = 0;
        for (long x : t) {
            if (r.nextDouble() < 0.25) {
                continue; // a missing row
            }
            withExtras[n++] = x;
            double u = r.nextDouble();
            if (u < 0.1) {
                withExtras[n++] = x; // a duplicate
            } else if (u < 0.2) {
                withExtras[n++] = x + 1000 + r.nextInt(5000); // a burst: another row seconds later
            }
        }
        long[] rows = Arrays.copyOf(withExtras, n);
        Arrays.sort(rows);
        assertEquals(step, SeriesFiles.inferStep(rows));
    }

    @Test
    void rowsInPairsSecondsApartAreOneStepNotManySteps() {
        // Every reading delivered twice, 1-3 s apart: half the spacings are seconds. The most common spacing (the old
        // rule) was then 1 s: 300 filled steps between readings, no daily season, a training series of 1-s steps.
        SplittableRandom r = new SplittableRandom(3);
        long[] t = new long[4000];
        for (int i = 0; i < t.length; i += 2) {
            t[i] = T0 + (i / 2) * 5 * MIN;
            t[i + 1] = t[i] + 1000 + 1000 * r.nextInt(3);
        }
        assertEquals(5 * MIN, SeriesFiles.inferStep(t));
    }

    @Test
    void anOutageLongerThanHalfTheSeriesIsNotItsStep() {
        long[] t = new long[1000];
        for (int i = 0; i < t.length; i++) {
            t[i] = T0 + i * 5 * MIN + (i >= 500 ? 30L * 86_400_000 : 0); // a month without rows in the middle
        }
        assertEquals(5 * MIN, SeriesFiles.inferStep(t));
    }

    @Test
    void noSpacingNoStep() {
        assertThrows(IllegalArgumentException.class, () -> SeriesFiles.inferStep(new long[] {T0, T0, T0}));
        assertThrows(IllegalArgumentException.class, () -> SeriesFiles.inferStep(new long[] {T0}));
    }

    @Test
    void shouldReadQuotedCellsAndIgnoreExtraColumns(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("q.csv"), """
                "timestamp","value","note"
                "2015-01-01 00:00:00","1.5","a, b"

                2015-01-01 00:05:00 , 2 ,x,y
                "1420071000000",-3
                """);
        SeriesFiles.TimedValues rows = SeriesFiles.readTimedCsv(f);
        assertArrayEquals(new long[] {T0, T0 + 5 * MIN, T0 + 10 * MIN}, rows.timestamps());
        assertArrayEquals(new double[] {1.5, 2, -3}, rows.values());
        assertEquals(List.of(4, 5), SeriesFiles.readTimedCells(f).stream().skip(1).map(SeriesFiles.TimedCells::line).toList(),
                "line numbers count the blank line");
    }

    /**
     * A points file with each window's count, min and max (as {@code scenario points} writes, columns found by the
     * header): its trimmed means are read and go onto the grid with the values; a file without them has none.
     */
    @Test
    void shouldReadAWindowsCountMinAndMaxAsItsTrimmedMean(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("w.csv"), """
                timestamp,value,count,min,max
                2015-01-01T00:00:00Z,4,5,0,16
                2015-01-01T00:10:00Z,2,2,1,3
                2015-01-01T00:15:00Z,0.1,3,0.1,0.1
                """);
        SeriesFiles.TimedValues rows = SeriesFiles.readTimedCsv(f);
        // (5 x 4 - 0 - 16) / 3; two events: the mean; three equal events whose summed mean rounds: the mean.
        assertArrayEquals(new double[] {4.0 / 3, 2, 0.1}, rows.trimmed(), 1e-12);
        Series s = SeriesFiles.regularize("w", rows, 5 * MIN);
        assertArrayEquals(new float[] {4, Float.NaN, 2, 0.1f}, s.values());
        assertArrayEquals(new float[] {4f / 3, Float.NaN, 2, 0.1f}, s.trimmed());
        assertEquals(4f / 3, s.profileValue(0));

        Path plain = Files.writeString(dir.resolve("p.csv"), "timestamp,value,note\n2015-01-01T00:00:00Z,4,5\n");
        assertEquals(null, SeriesFiles.readTimedCsv(plain).trimmed());
        assertEquals(4f, SeriesFiles.regularize("p", SeriesFiles.readTimedCsv(plain), 5 * MIN).profileValue(0));

        Path bad = Files.writeString(dir.resolve("bad.csv"), "timestamp,value,count,min,max\n2015-01-01T00:00:00Z,4,0,1,5\n");
        var e = assertThrows(IllegalArgumentException.class, () -> SeriesFiles.readTimedCsv(bad));
        assertEquals(bad + ":2: a window of count 0 with min 1 and max 5 is not possible (count a positive whole number,"
                + " min <= max)", e.getMessage());
        Path shortRow = Files.writeString(dir.resolve("short.csv"), "timestamp,value,count,min,max\n2015-01-01T00:00:00Z,4,3\n");
        e = assertThrows(IllegalArgumentException.class, () -> SeriesFiles.readTimedCsv(shortRow));
        assertEquals(shortRow + ":2: expected 5 cells as the header names, got '2015-01-01T00:00:00Z,4,3'", e.getMessage());
    }

    @Test
    void shouldNameFileAndLineOfABadRow(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("bad.csv"), "timestamp,value\n2015-01-01 00:00:00,1\n2015-01-01 00:05:00,\"1,5\"\n");
        var e = assertThrows(IllegalArgumentException.class, () -> SeriesFiles.readTimedCsv(f));
        assertEquals(f + ":3: value '1,5' is not a number", e.getMessage());
        Path oneCell = Files.writeString(dir.resolve("one.csv"), "timestamp,value\n2015-01-01 00:00:00\n");
        e = assertThrows(IllegalArgumentException.class, () -> SeriesFiles.readTimedCsv(oneCell));
        assertEquals(oneCell + ":2: expected 'timestamp,value', got '2015-01-01 00:00:00'", e.getMessage());
        Path unclosed = Files.writeString(dir.resolve("unclosed.csv"), "timestamp,value\n\"2015-01-01 00:00:00,1\n");
        e = assertThrows(IllegalArgumentException.class, () -> SeriesFiles.readTimedCsv(unclosed));
        assertTrue(e.getMessage().startsWith(unclosed + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("not valid CSV"), e.getMessage());
    }

    @Test
    void shouldReadM4RowsWithQuotedIdsTrailingEmptyCellsAndReportBadCells(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("m4.csv"), "\"V1\",\"V2\",\"V3\",\"V4\"\n\"H1\",\"1\",\"2\",\"3\"\n\"H,2\",\"4\",\"\",\"\"\n");
        List<Series> series = SeriesFiles.readM4(f, 3_600_000);
        assertEquals(List.of("H1", "H,2"), series.stream().map(Series::id).toList());
        assertArrayEquals(new float[] {1, 2, 3}, series.get(0).values());
        assertArrayEquals(new float[] {4}, series.get(1).values());
        Path bad = Files.writeString(dir.resolve("bad.csv"), "\"V1\",\"V2\"\n\"H1\",\"x\"\n");
        var e = assertThrows(IllegalArgumentException.class, () -> SeriesFiles.readM4(bad, 3_600_000));
        assertEquals(bad + ":2: cell 2 'x' is not a number", e.getMessage());
    }
}
