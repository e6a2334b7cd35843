package org.forecaster.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

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
}
