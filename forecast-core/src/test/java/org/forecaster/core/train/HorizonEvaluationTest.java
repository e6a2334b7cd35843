package org.forecaster.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.core.baseline.Baseline;
import org.forecaster.core.baseline.Baselines;
import org.forecaster.core.baseline.FittedBaseline;
import org.forecaster.core.baseline.HoltWinters;
import org.forecaster.core.baseline.HorizonForecasts;
import org.forecaster.core.baseline.NaiveForecast;
import org.forecaster.core.baseline.SeasonalNaiveForecast;
import org.forecaster.core.kernel.ScalarKernels;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.model.Stepper;
import org.junit.jupiter.api.Test;

class HorizonEvaluationTest {
    private static final long STEP = 60_000L, T0 = 1_700_000_000_000L;
    private static final List<String> STANDARD = List.of(NaiveForecast.NAME, SeasonalNaiveForecast.NAME, HoltWinters.NAME);

    /** Forecasts {@code value} with the interval [value - 1, value + 1] at every origin and horizon. */
    private static HorizonEvaluation.OnlineModel constant(int k, double value) {
        return new HorizonEvaluation.OnlineModel() {
            @Override
            public int horizon() {
                return k;
            }

            @Override
            public void observe(long timestamp, double v, double profileValue, double[] mean, double[] lower, double[] upper) {
                Arrays.fill(mean, value);
                Arrays.fill(lower, value - 1);
                Arrays.fill(upper, value + 1);
            }
        };
    }

    /** Knows the series: forecasts every step exactly, with a zero-width interval. */
    private static HorizonEvaluation.OnlineModel oracle(int k, float[] values) {
        return new HorizonEvaluation.OnlineModel() {
            @Override
            public int horizon() {
                return k;
            }

            @Override
            public void observe(long timestamp, double v, double profileValue, double[] mean, double[] lower, double[] upper) {
                int t = (int) ((timestamp - T0) / STEP);
                for (int h = 1; h <= k; h++) {
                    double y = t + h < values.length ? values[t + h] : Double.NaN;
                    mean[h - 1] = lower[h - 1] = upper[h - 1] = y;
                }
            }
        };
    }

    private static Series series(float... v) {
        return new Series("s", T0, STEP, v);
    }

    @Test
    void shouldMatchHandComputedFiguresOnATinySeries() {
        // A line, season 2, held-back range [6, 8): targets 7 and 8.
        Series s = series(1, 2, 3, 4, 5, 6, 7, 8);
        List<Baseline> baselines = Baselines.standard(2);
        HorizonEvaluation.SeriesScore score = HorizonEvaluation.score(constant(2, 10), s, 6, 8, new int[] {1, 2}, baselines, 2);
        // h=1: origins 5, 6. Model |10-7|, |10-8| -> 2.5; naive |6-7|, |7-8| -> 1; seasonal naive |5-7|, |6-8| -> 2;
        // Holt-Winters forecasts a line exactly -> 0. h=2: origins 4, 5; model 2.5; naive and seasonal naive 2.
        assertArrayEquals(new long[] {2, 2}, score.pairs());
        assertArrayEquals(new double[] {2.5, 2.5}, score.modelMae(), 1e-12);
        assertArrayEquals(new double[] {1, 2}, score.baselineMae()[0], 1e-12);
        assertArrayEquals(new double[] {2, 2}, score.baselineMae()[1], 1e-12);
        assertArrayEquals(new double[] {0, 0}, score.baselineMae()[2], 1e-9);
        assertEquals(2, score.scale(), 1e-12); // |y[t] - y[t-2]| = 2 on [0, 6)

        HorizonEvaluation e = HorizonEvaluation.combine(new int[] {1, 2}, STANDARD, List.of(score));
        assertEquals(List.of(1, 2), e.horizons());
        assertEquals(1, e.series());
        assertEquals(1.25, e.mase(1), 1e-12);
        assertEquals(0.5, e.baseline("naive").mase().get(0), 1e-12);
        assertEquals(1.0, e.baseline("seasonal-naive").mase().get(0), 1e-12);
        assertEquals(1.0, e.baseline("seasonal-naive").mase().get(1), 1e-12);
        assertEquals(0.0, e.baseline("holt-winters").mase().get(1), 1e-9);
        assertEquals(1.25, e.baseline("holt-winters").modelMase().get(1), 1e-12);
        assertEquals(0.0, e.coverage(1), 0.0); // [9, 11] holds neither 7 nor 8
    }

    @Test
    void shouldScoreAModelThatForecastsExactlyAtZeroWithFullCoverage() {
        float[] v = new float[60];
        SplittableRandom r = new SplittableRandom(3);
        for (int t = 0; t < v.length; t++) {
            v[t] = (float) (20 + 5 * Math.sin(2 * Math.PI * t / 6) + r.nextDouble());
        }
        HorizonEvaluation e = HorizonEvaluation.combine(new int[] {1, 3, 6}, STANDARD,
                List.of(HorizonEvaluation.score(oracle(6, v), series(v), 40, 60, new int[] {1, 3, 6}, Baselines.standard(6), 6)));
        for (int h : new int[] {1, 3, 6}) {
            assertEquals(0, e.mase(h), 0.0);
            assertEquals(1, e.coverage(h), 0.0);
            for (HorizonEvaluation.BaselineScore b : e.baselines()) {
                assertTrue(b.mase().get(e.horizons().indexOf(h)) > 0, b.toString());
            }
        }
        assertEquals(List.of(20L, 20L, 20L), e.pairs());
    }

    @Test
    void naiveFiguresShouldEqualNaiveForecastsOwnErrorsOnTheStepperPath() {
        float[] v = randomWalk(300, 11);
        int from = 240, until = 300;
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 4, 6);
        Stepper stepper = new Stepper(Forecaster.initialize(spec, 1, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP, 0.95, 100, 8);
        int[] hs = {1, 3, 6};
        HorizonEvaluation e = HorizonEvaluation.combine(hs, STANDARD, List.of(HorizonEvaluation.score(HorizonEvaluation.of(stepper),
                series(v), from, until, hs, Baselines.standard(6), 6)));

        double[] d = Baselines.toDoubles(v);
        double scale = Baselines.seasonalNaiveScale(d, from, 6);
        HorizonForecasts naive = new NaiveForecast().walk(d, 6);
        for (int i = 0; i < hs.length; i++) {
            int h = hs[i];
            // Targets in [from, until) at horizon h are the origins [from - h, until - h).
            double expected = naive.meanAbsoluteErrors(d, from - h, until - h)[h - 1] / scale;
            assertEquals(expected, e.baseline("naive").mase().get(i), 1e-9, "h " + h);
            assertEquals(until - from, (long) e.pairs().get(i));
        }
    }

    @Test
    void shouldScoreModelAndBaselinesOnlyOnPairsWhereAllForecastsAndTheActualArePresent() {
        float[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        // A baseline that forecasts 0 but gives no forecast from odd origins.
        Baseline evenOnly = new Baseline() {
            @Override
            public String name() {
                return "even-only";
            }

            @Override
            public FittedBaseline fit(double[] values, int fitEnd) {
                return new FittedBaseline() {
                    @Override
                    public String describe() {
                        return "even-only";
                    }

                    @Override
                    public HorizonForecasts walk(double[] values, int maxHorizon) {
                        double[] f = new double[values.length * maxHorizon];
                        for (int t = 1; t < values.length; t += 2) {
                            Arrays.fill(f, t * maxHorizon, (t + 1) * maxHorizon, Double.NaN);
                        }
                        return new HorizonForecasts(values.length, maxHorizon, f);
                    }
                };
            }
        };
        v[9] = Float.NaN; // target 10 (index 9) missing, and no forecast from origin 9
        HorizonEvaluation.SeriesScore s = HorizonEvaluation.score(constant(1, 0), series(v), 6, 12, new int[] {1},
                List.of(new NaiveForecast(), evenOnly), 2);
        // Targets are steps 6..11, origins 5..10. Odd origins (5, 7, 9) have no even-only forecast (and 9 is missing);
        // origin 8's target, step 9, is missing. Left: origin 6 (target value 8) and 10 (target value 12): the model's
        // and even-only's 0 are off by (8 + 12) / 2 = 10.
        assertArrayEquals(new long[] {2}, s.pairs());
        assertEquals(10, s.modelMae()[0], 1e-12);
        assertEquals(10, s.baselineMae()[1][0], 1e-12);
        // Naive on the same two pairs: the value at the origin against the target's.
        assertEquals((Math.abs(v[6] - v[7]) + Math.abs(v[10] - v[11])) / 2.0, s.baselineMae()[0][0], 1e-12);
        assertEquals(0, s.inside()[0]);
    }

    @Test
    void shouldScoreASeriesTooShortForHoltWintersWithoutItAndSaySo() {
        SplittableRandom r = new SplittableRandom(5);
        float[] longer = new float[80], shorter = new float[40];
        for (int t = 0; t < longer.length; t++) {
            longer[t] = (float) (10 + 3 * Math.sin(2 * Math.PI * t / 12) + r.nextDouble());
        }
        System.arraycopy(longer, 0, shorter, 0, shorter.length);
        int[] hs = {1, 3};
        List<HorizonEvaluation.SeriesScore> scores = List.of(
                HorizonEvaluation.score(constant(3, 10), new Series("long", T0, STEP, longer), 64, 80, hs, Baselines.standard(12), 12),
                // [0, 20) is shorter than Holt-Winters' 2 x 12 + 1 steps.
                HorizonEvaluation.score(constant(3, 10), new Series("short", T0, STEP, shorter), 20, 40, hs, Baselines.standard(12), 12));
        assertFalse(scores.get(1).fitted()[2]);
        HorizonEvaluation e = HorizonEvaluation.combine(hs, STANDARD, scores);
        assertEquals(2, e.series());
        assertEquals(2, e.baseline("naive").series());
        assertEquals(1, e.baseline("holt-winters").series());
        // The model's figure beside Holt-Winters covers the long series only.
        double longOnly = scores.get(0).modelMae()[0] / scores.get(0).scale();
        assertEquals(longOnly, e.baseline("holt-winters").modelMase().get(0), 1e-12);
        assertEquals((longOnly + scores.get(1).modelMae()[0] / scores.get(1).scale()) / 2, e.mase(1), 1e-12);
    }

    @Test
    void shouldClipHorizonsToTheModelsReach() {
        assertArrayEquals(new int[] {1, 3, 6}, HorizonEvaluation.clip(List.of(12, 6, 1, 3, 3), 6));
        assertArrayEquals(new int[] {1}, HorizonEvaluation.clip(List.of(1, 3, 6, 12), 1));
    }

    private static float[] randomWalk(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        double y = 100;
        for (int t = 0; t < n; t++) {
            y += r.nextDouble() * 2 - 1;
            v[t] = (float) y;
        }
        return v;
    }
}
