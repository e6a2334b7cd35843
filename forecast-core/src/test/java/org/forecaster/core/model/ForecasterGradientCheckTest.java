package org.forecaster.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.forecaster.core.kernel.ScalarKernels;
import org.forecaster.core.train.Loss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Finite differences against the whole network's backward pass: stacked layers, the Gaussian head and both
 * losses, over several steps of two keys. Float32 network, loss summed in double, central step 1e-2.
 */
class ForecasterGradientCheckTest {
    private static final int BATCH = 2, STEPS = 4, HORIZON = 2;

    private record Problem(Forecaster model, float[] xs, float[] targets, Loss loss) {}

    private static Problem problem(CellType type, int layers, Loss loss, long seed) {
        ModelSpec spec = new ModelSpec(type, layers, Features.COUNT, 3, HORIZON);
        Forecaster model = Forecaster.initialize(spec, seed, ScalarKernels.INSTANCE);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] p = model.parameters();
        for (int i = 0; i < p.length; i++) {
            p[i] += (float) (rnd.nextDouble() - 0.5) * 0.6f;
        }
        float[] xs = new float[STEPS * BATCH * Features.COUNT];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        float[] targets = new float[STEPS * BATCH * HORIZON];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = i % 7 == 3 ? Float.NaN : (float) rnd.nextGaussian();
        }
        return new Problem(model, xs, targets, loss);
    }

    private static double loss(Problem p, float[] dOutAll, StepCaches[] caches) {
        Forecaster m = p.model;
        float[][] states = m.newStates(BATCH);
        double total = 0;
        int[] counted = new int[1];
        int o = m.outputSize();
        for (int t = 0; t < STEPS; t++) {
            StepCaches c = caches != null ? caches[t] : m.newCache(BATCH);
            m.step(BATCH, p.xs, t * BATCH * Features.COUNT, Features.COUNT, states, c.out(), 0, c);
            for (int b = 0; b < BATCH; b++) {
                total += p.loss.accumulate(c.out(), b * o, HORIZON, p.targets, (t * BATCH + b) * HORIZON, 1f,
                        dOutAll, (t * BATCH + b) * o, counted);
            }
        }
        return total;
    }

    @ParameterizedTest
    @CsvSource({"LSTM,1,GAUSSIAN_NLL", "LSTM,2,GAUSSIAN_NLL", "GRU,2,GAUSSIAN_NLL", "PEEPHOLE_LSTM,2,GAUSSIAN_NLL", "LSTM,2,MSE"})
    void fullBackwardMatchesFiniteDifferences(CellType type, int layers, Loss lossKind) {
        Problem p = problem(type, layers, lossKind, 11);
        Forecaster m = p.model;
        int o = m.outputSize();
        StepCaches[] caches = new StepCaches[STEPS];
        for (int t = 0; t < STEPS; t++) {
            caches[t] = m.newCache(BATCH);
        }
        float[] dOutAll = new float[STEPS * BATCH * o];
        loss(p, dOutAll, caches);
        float[] grads = new float[m.parameters().length];
        float[][] dStates = m.newStates(BATCH);
        float[][] scratch = m.newGradientScratch(BATCH);
        for (int t = STEPS - 1; t >= 0; t--) {
            float[] dOut = java.util.Arrays.copyOfRange(dOutAll, t * BATCH * o, (t + 1) * BATCH * o);
            m.backwardStep(caches[t], dOut, dStates, scratch, grads);
        }
        float[] params = m.parameters();
        double eps = 1e-2;
        float[] sink = new float[dOutAll.length];
        for (int i = 0; i < params.length; i++) {
            float saved = params[i];
            params[i] = (float) (saved + eps);
            double plus = loss(p, sink, null);
            params[i] = (float) (saved - eps);
            double minus = loss(p, sink, null);
            params[i] = saved;
            double numeric = (plus - minus) / (2 * eps);
            assertEquals(numeric, grads[i], 3e-3 + 2e-2 * Math.abs(numeric), type + " x" + layers + " " + lossKind + " param " + i);
        }
    }
}
