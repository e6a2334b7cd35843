package org.forecaster.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.core.kernel.ScalarKernels;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.IntervalShape;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.model.Stepper;
import org.junit.jupiter.api.Test;

class IntervalShapeFitTest {
    private static final long STEP = 60_000L, T0 = 1_700_000_000_000L;
    private static final int K = 6;

    @Test
    void shouldReadTheLevelsQuantileOfTheMissRatiosPerHorizon() {
        IntervalShapeFit fit = new IntervalShapeFit(IntervalShape.of(1, 2, 1), 0.95);
        for (int i = 1; i <= 1000; i++) {
            fit.add(0, i / 1000.0 - 0.0005);
            fit.add(1, i / 2000.0 - 0.0005); // half the ratios: intervals twice too wide there
            fit.add(2, 3 * (i / 1000.0) - 0.0005);
        }
        assertEquals(0.950, fit.quantile(0), 1e-9);
        assertEquals(0.475, fit.quantile(1), 1e-9);
        assertEquals(2.850, fit.quantile(2), 1e-9);
        IntervalShape s = fit.shape();
        assertEquals(1, s.width(0));
        assertEquals(2 * 0.475, s.width(1), 1e-9); // the current factor times the quantile
        assertEquals(2.850, s.width(2), 1e-9);
    }

    @Test
    void shouldKeepTheCurrentFactorWhereTooFewPairsWereCounted() {
        IntervalShapeFit fit = new IntervalShapeFit(IntervalShape.of(1, 0.8, 1), 0.95);
        for (int i = 0; i < IntervalShapeFit.MIN_PAIRS - 1; i++) {
            fit.add(1, 0.5);
            fit.add(2, 0.5);
        }
        fit.add(2, 0.5);
        assertEquals(IntervalShape.of(1, 0.8, 0.501), fit.shape());
    }

    @Test
    void theFittedShapeMakesEveryLaterHorizonCoverTheLevelOnTheSliceItWasFittedOn() {
        float[] v = noisySine(3000, 5);
        Series s = new Series("s", T0, STEP, v);
        int from = 1000, until = v.length;
        Forecaster model = Forecaster.initialize(new ModelSpec(CellType.LSTM, 1, Features.COUNT, 8, K), 11, ScalarKernels.INSTANCE);
        IntervalShape flat = IntervalShape.flat(K);
        double[] before = coverage(new Stepper(model, NormalizerSpec.DEFAULT, STEP, 0.95, 100, 16, flat), s, from, until);

        IntervalShapeFit fit = new IntervalShapeFit(flat, 0.95);
        fit.add(new Stepper(model, NormalizerSpec.DEFAULT, STEP, 0.95, 100, 16, flat), s, from, until);
        IntervalShape shape = fit.shape();
        double[] after = coverage(new Stepper(model, NormalizerSpec.DEFAULT, STEP, 0.95, 100, 16, shape), s, from, until);

        double worstBefore = 0;
        for (int h = 2; h <= K; h++) {
            worstBefore = Math.max(worstBefore, Math.abs(before[h - 1] - 0.95));
            assertTrue(shape.width(h - 1) > IntervalShape.MIN && shape.width(h - 1) < IntervalShape.MAX, shape.toString());
            assertEquals(0.95, after[h - 1], 0.002, "h" + h + " with " + shape);
        }
        assertTrue(worstBefore > 0.01, "the untrained model's own intervals should miss the level somewhere: "
                + java.util.Arrays.toString(before));
        assertEquals(before[0], after[0], 0.0); // the first step is the per-key calibration's, untouched
        assertEquals(until - from, fit.pairs()[K - 1]);
    }

    @Test
    void shouldRefuseAStepperOfAnotherShape() {
        Forecaster model = Forecaster.initialize(new ModelSpec(CellType.LSTM, 1, Features.COUNT, 4, K), 1, ScalarKernels.INSTANCE);
        IntervalShapeFit fit = new IntervalShapeFit(IntervalShape.flat(K), 0.95);
        Stepper other = new Stepper(model, NormalizerSpec.DEFAULT, STEP, 0.95, 100, 16, IntervalShape.of(1, 1, 1, 1, 1, 0.5));
        float[] v = noisySine(50, 1);
        assertThrows(IllegalArgumentException.class, () -> fit.add(other, new Series("s", T0, STEP, v), 10, 50));
    }

    /** Coverage per horizon of targets in [from, until), through the evaluation the trainer reports. */
    private static double[] coverage(Stepper stepper, Series s, int from, int until) {
        int[] hs = {1, 2, 3, 4, 5, 6};
        HorizonEvaluation e = HorizonEvaluation.combine(hs, List.of(),
                List.of(HorizonEvaluation.score(HorizonEvaluation.of(stepper), s, from, until, hs, List.of(), 60)));
        double[] c = new double[K];
        for (int h = 1; h <= K; h++) {
            c[h - 1] = e.coverage(h);
        }
        return c;
    }

    private static float[] noisySine(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        double level = 50;
        for (int t = 0; t < n; t++) {
            level += 0.3 * r.nextGaussian();
            v[t] = (float) (level + 10 * Math.sin(2 * Math.PI * t / 60) + 2 * r.nextGaussian());
        }
        return v;
    }
}
