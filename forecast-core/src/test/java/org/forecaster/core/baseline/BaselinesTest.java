package org.forecaster.core.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BaselinesTest {
    private static final int SEASON = 24;

    /** Level 50, trend 0.05 per step, a two-harmonic daily pattern: no noise. */
    private static double clean(int t) {
        double phase = 2 * Math.PI * t / SEASON;
        return 50 + 0.05 * t + 6 * Math.sin(phase) + 2 * Math.cos(2 * phase + 0.3);
    }

    private static double[] cleanSeries(int n) {
        double[] v = new double[n];
        for (int t = 0; t < n; t++) {
            v[t] = clean(t);
        }
        return v;
    }

    /** The clean pattern without trend plus Gaussian noise of {@code sigma}. */
    private static double[] noisySeries(int n, double sigma, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int t = 0; t < n; t++) {
            v[t] = clean(t) - 0.05 * t + sigma * gaussian(random);
        }
        return v;
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @Test
    void holtWintersShouldForecastLinePlusSeasonExactlyAtEveryHorizon() {
        double[] v = cleanSeries(SEASON * 10);
        FittedBaseline hw = new HoltWinters(SEASON).fit(v, SEASON * 6);
        int horizon = 2 * SEASON + 5; // past one season, so the seasonal term of an earlier cycle is reused
        HorizonForecasts f = hw.walk(v, horizon);
        for (int t = 2 * SEASON - 1; t < v.length; t++) {
            for (int h = 1; h <= horizon; h++) {
                assertEquals(clean(t + h), f.get(t, h), 1e-9, "origin " + t + ", h " + h + " (" + hw.describe() + ")");
            }
        }
    }

    @Test
    void holtWintersShouldGiveNoForecastBeforeItsTwoInitialSeasonsEnd() {
        HorizonForecasts f = new HoltWinters(SEASON).fit(cleanSeries(SEASON * 4), SEASON * 3).walk(cleanSeries(SEASON * 4), 3);
        assertTrue(Double.isNaN(f.get(2 * SEASON - 2, 1)));
        assertTrue(Double.isFinite(f.get(2 * SEASON - 1, 1)));
    }

    @Test
    void holtWintersShouldBeatNaiveAndSeasonalNaiveOnNoisySeasonalData() {
        double[] v = noisySeries(SEASON * 30, 1.0, 7);
        int fitEnd = SEASON * 20;
        int horizon = 12;
        double[] naive = new NaiveForecast().fit(v, fitEnd).walk(v, horizon).meanAbsoluteErrors(v, fitEnd, v.length);
        double[] seasonal = new SeasonalNaiveForecast(SEASON).fit(v, fitEnd).walk(v, horizon).meanAbsoluteErrors(v, fitEnd, v.length);
        double[] hw = new HoltWinters(SEASON).fit(v, fitEnd).walk(v, horizon).meanAbsoluteErrors(v, fitEnd, v.length);
        for (int h = 0; h < horizon; h++) {
            // Noise alone costs 0.80 (E|N(0,1)|); seasonal naive pays it twice (about 1.13), naive adds the pattern's change.
            assertTrue(hw[h] < 0.85 * naive[h], "h " + (h + 1) + ": holt-winters " + hw[h] + " vs naive " + naive[h]);
            assertTrue(hw[h] < seasonal[h], "h " + (h + 1) + ": holt-winters " + hw[h] + " vs seasonal naive " + seasonal[h]);
            assertTrue(hw[h] < 0.95, "h " + (h + 1) + ": holt-winters " + hw[h] + " should be near the noise floor 0.80");
        }
    }

    @Test
    void holtWintersFitShouldPickAFastLevelForARandomWalkAndASlowOneForNoiseAroundAFixedLevel() {
        SplittableRandom random = new SplittableRandom(3);
        double[] walk = new double[SEASON * 20];
        double level = 0;
        for (int t = 0; t < walk.length; t++) {
            level += gaussian(random);
            walk[t] = level + 3 * Math.sin(2 * Math.PI * t / SEASON);
        }
        HoltWinters hw = new HoltWinters(SEASON);
        assertEquals(0.9, hw.fit(walk, walk.length).parameters().alpha(), "random walk");
        assertTrue(hw.fit(noisySeries(SEASON * 20, 1.0, 5), SEASON * 20).parameters().alpha() <= 0.2, "stationary noise");
    }

    @Test
    void seasonalNaiveShouldBeTheValueOneSeasonBeforeTheTarget() {
        double[] v = noisySeries(SEASON * 5, 1.0, 11);
        HorizonForecasts f = new SeasonalNaiveForecast(SEASON).fit(v, v.length).walk(v, 2 * SEASON);
        for (int t = 0; t < v.length; t++) {
            for (int h = 1; h <= 2 * SEASON; h++) {
                int source = h <= SEASON ? t + h - SEASON : t + h - 2 * SEASON;
                double expected = source >= 0 ? v[source] : Double.NaN;
                assertEquals(expected, f.get(t, h), 0.0, "origin " + t + ", h " + h);
            }
        }
    }

    @Test
    void naiveShouldRepeatTheLastObservedValueAcrossMissingSteps() {
        double[] v = {Double.NaN, 1, 2, Double.NaN, Double.NaN, 5};
        HorizonForecasts f = new NaiveForecast().fit(v, v.length).walk(v, 2);
        assertTrue(Double.isNaN(f.get(0, 1)));
        assertEquals(2, f.get(3, 1));
        assertEquals(2, f.get(4, 2));
        assertEquals(5, f.get(5, 1));
    }

    @Test
    void seasonalNaiveShouldForecastAMissingValueByTheValueOneSeasonBeforeIt() {
        double[] v = {1, 2, 3, Double.NaN, 5, 6, Double.NaN, 8, 9};
        HorizonForecasts f = new SeasonalNaiveForecast(3).fit(v, v.length).walk(v, 3);
        assertEquals(1, f.get(5, 1), 0.0, "target 6's source, step 3, is missing: its own forecast, step 0");
        assertEquals(1, f.get(8, 1), 0.0, "target 9's source, step 6, is missing, and so is step 3: step 0");
        assertEquals(8, f.get(8, 2), 0.0);
        assertTrue(Double.isNaN(f.get(0, 2)), "no value a season before target 2 yet");
    }

    @Test
    void holtWintersShouldTreatAMissingStepAsItsOwnForecastAndStayExact() {
        double[] v = cleanSeries(SEASON * 8);
        for (int t : new int[] {2 * SEASON, 2 * SEASON + 1, 100, 101, 102, 150}) {
            v[t] = Double.NaN;
        }
        HorizonForecasts f = new HoltWinters(SEASON).fit(v, SEASON * 5).walk(v, 6);
        for (int t = 2 * SEASON - 1; t < v.length; t++) {
            for (int h = 1; h <= 6; h++) {
                assertEquals(clean(t + h), f.get(t, h), 1e-9, "origin " + t + ", h " + h);
            }
        }
        // A missing step leaves the state as its forecast would: forecasts at 101 are those made at 100, one step on.
        for (int h = 1; h < 6; h++) {
            assertEquals(f.get(100, h + 1), f.get(101, h), 1e-12, "h " + h);
        }
    }

    @Test
    void holtWintersShouldStartExactlyFromInitialSeasonsWithGapsWhenEveryPhaseIsSeenOnce() {
        double[] v = cleanSeries(SEASON * 8);
        for (int t : new int[] {3, 4, 5, SEASON + 10, SEASON + 20}) {
            v[t] = Double.NaN;
        }
        HorizonForecasts f = new HoltWinters(SEASON).fit(v, SEASON * 5).walk(v, 6);
        for (int t = 2 * SEASON - 1; t < v.length; t++) {
            assertEquals(clean(t + 1), f.get(t, 1), 1e-9, "origin " + t);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            double[] blank = cleanSeries(SEASON * 4);
            Arrays.fill(blank, SEASON, 2 * SEASON, Double.NaN);
            new HoltWinters(SEASON).fit(blank, SEASON * 3);
        });
        assertTrue(e.getMessage().contains("observed in both"), e.getMessage());
    }

    @Test
    void forecastsShouldNotDependOnValuesAfterTheOrigin() {
        double[] v = noisySeries(SEASON * 6, 1.0, 13);
        double[] changed = v.clone();
        int origin = SEASON * 4;
        for (int t = origin + 1; t < changed.length; t++) {
            changed[t] = t % 2 == 0 ? Double.NaN : changed[t] + 100;
        }
        for (Baseline b : Baselines.standard(SEASON)) {
            FittedBaseline fitted = b.fit(v, SEASON * 3);
            HorizonForecasts a = fitted.walk(v, 10);
            HorizonForecasts c = fitted.walk(changed, 10);
            for (int t = 0; t <= origin; t++) {
                for (int h = 1; h <= 10; h++) {
                    assertEquals(a.get(t, h), c.get(t, h), 0.0, b.name() + " origin " + t + ", h " + h);
                }
            }
        }
    }

    @Test
    void meanAbsoluteErrorsShouldSkipMissingTargetsAndTargetsPastTheEnd() {
        double[] v = {0, 1, Double.NaN, 3, 4};
        double[] mae = new NaiveForecast().fit(v, v.length).walk(v, 2).meanAbsoluteErrors(v, 0, v.length);
        // h=1: origins 0, 2, 3 (target 2 missing): |0-1|, |1-3|, |3-4| = 4/3. h=2: targets 2 (missing), 3, 4: |1-3|, |1-4|... from origins 1, 2.
        assertEquals(4.0 / 3, mae[0], 1e-12);
        assertEquals((2 + 3) / 2.0, mae[1], 1e-12);
    }

    @Test
    void seasonalNaiveScaleShouldBeTheInSampleMeanAbsoluteSeasonalDifference() {
        double[] v = {1, 2, 4, 7, Double.NaN, 3};
        // Pairs (t, t-2) for t in [2, 6): |4-1|, |7-2|, (NaN skipped), |3-7| -> (3 + 5 + 4) / 3.
        assertEquals(4.0, Baselines.seasonalNaiveScale(v, v.length, 2), 1e-12);
        assertTrue(Double.isNaN(Baselines.seasonalNaiveScale(v, 2, 2)));
    }

    @Test
    void shouldRejectAPrefixTooShortForHoltWintersAndAnEmptyGrid() {
        double[] v = cleanSeries(SEASON * 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HoltWinters(SEASON).fit(v, 2 * SEASON));
        assertTrue(e.getMessage().contains("at least " + (2 * SEASON + 1)), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HoltWinters(SEASON, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new NaiveForecast().fit(v, 0));
        assertThrows(IllegalArgumentException.class, () -> new NaiveForecast().walk(v, 0));
        assertEquals(16, HoltWinters.DEFAULT_GRID.size());
    }
}
