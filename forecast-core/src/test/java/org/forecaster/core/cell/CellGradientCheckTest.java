package org.forecaster.core.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.ScalarKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Central finite differences against each cell's backward pass over a few steps, for parameters, inputs and
 * the initial state. The loss is a fixed random projection of every step's output state, so every part of
 * the state carries gradient. Cells compute in float32, so the check uses a step of 1e-2 and sums the loss
 * in double; a wrong derivative is off by O(1), far outside the tolerance.
 */
class CellGradientCheckTest {
    private static final Kernels K = ScalarKernels.INSTANCE;
    private static final int INPUTS = 3, HIDDEN = 4, BATCH = 2, STEPS = 4;

    static RecurrentCell cell(String type) {
        return switch (type) {
            case "lstm" -> new LstmCell(INPUTS, HIDDEN);
            case "peephole" -> new PeepholeLstmCell(INPUTS, HIDDEN);
            case "gru" -> new GruCell(INPUTS, HIDDEN);
            default -> throw new IllegalArgumentException(type);
        };
    }

    private record Problem(RecurrentCell cell, float[] params, float[] xs, float[] state0, float[] proj) {}

    private static Problem problem(String type, long seed) {
        RecurrentCell cell = cell(type);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] params = new float[cell.parameterCount() + 5];
        cell.initialize(params, 5, rnd);
        for (int i = 5; i < params.length; i++) {
            params[i] += (float) (rnd.nextDouble() - 0.5) * 0.4f; // move off the initial symmetric point, peepholes too
        }
        return new Problem(cell, params, randoms(rnd, STEPS * BATCH * INPUTS, 1.5),
                randoms(rnd, BATCH * cell.stateSize(), 0.8), randoms(rnd, STEPS * BATCH * cell.stateSize(), 1.0));
    }

    private static float[] randoms(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    private static double loss(Problem p) {
        int s = p.cell.stateSize();
        float[] state = p.state0.clone();
        StepCache cache = p.cell.newCache(BATCH);
        double loss = 0;
        for (int t = 0; t < STEPS; t++) {
            p.cell.forward(K, p.params, 5, p.xs, t * BATCH * INPUTS, INPUTS, state, state, BATCH, cache);
            for (int i = 0; i < BATCH * s; i++) {
                loss += (double) p.proj[t * BATCH * s + i] * state[i];
            }
        }
        return loss;
    }

    /** Analytic gradients: {params, xs, state0}. */
    private static float[][] analytic(Problem p) {
        int s = p.cell.stateSize();
        StepCache[] caches = new StepCache[STEPS];
        float[][] states = new float[STEPS + 1][];
        states[0] = p.state0.clone();
        for (int t = 0; t < STEPS; t++) {
            caches[t] = p.cell.newCache(BATCH);
            states[t + 1] = new float[BATCH * s];
            p.cell.forward(K, p.params, 5, p.xs, t * BATCH * INPUTS, INPUTS, states[t], states[t + 1], BATCH, caches[t]);
        }
        float[] grads = new float[p.params.length];
        float[] dxs = new float[p.xs.length];
        float[] dCarry = new float[BATCH * s];
        for (int t = STEPS - 1; t >= 0; t--) {
            float[] dOut = new float[BATCH * s];
            for (int i = 0; i < dOut.length; i++) {
                dOut[i] = dCarry[i] + p.proj[t * BATCH * s + i];
            }
            float[] dIn = new float[BATCH * s];
            p.cell.backward(K, p.params, 5, caches[t], dOut, dIn, dxs, t * BATCH * INPUTS, INPUTS, grads);
            dCarry = dIn;
        }
        return new float[][] {grads, dxs, dCarry};
    }

    private static void check(String what, float[] values, float analyticGrad[], int from,
                              BiFunction<float[], Integer, Double> lossAt) {
        double eps = 1e-2;
        for (int i = from; i < values.length; i++) {
            float saved = values[i];
            values[i] = (float) (saved + eps);
            double plus = lossAt.apply(values, i);
            values[i] = (float) (saved - eps);
            double minus = lossAt.apply(values, i);
            values[i] = saved;
            double numeric = (plus - minus) / (2 * eps);
            double tol = 2e-3 + 2e-2 * Math.abs(numeric);
            assertEquals(numeric, analyticGrad[i], tol, what + "[" + i + "]");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "peephole", "gru"})
    void backwardMatchesFiniteDifferences(String type) {
        Problem p = problem(type, 42);
        float[][] g = analytic(p);
        check(type + " params", p.params, g[0], 5, (a, i) -> loss(p));
        check(type + " inputs", p.xs, g[1], 0, (a, i) -> loss(p));
        check(type + " initial state", p.state0, g[2], 0, (a, i) -> loss(p));
        assertEquals(0f, g[0][0], "gradient outside the cell's parameter range must stay untouched");
        double norm = 0;
        for (float v : g[0]) {
            norm += v * v;
        }
        assertTrue(norm > 1e-4, "gradient is not trivially zero");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "peephole", "gru"})
    void batchedForwardEqualsOneKeyAtATime(String type) {
        Problem p = problem(type, 7);
        int s = p.cell.stateSize();
        float[] batched = p.state0.clone();
        p.cell.forward(K, p.params, 5, p.xs, 0, INPUTS, batched, batched, BATCH, p.cell.newCache(BATCH));
        for (int b = 0; b < BATCH; b++) {
            float[] one = java.util.Arrays.copyOfRange(p.state0, b * s, (b + 1) * s);
            p.cell.forward(K, p.params, 5, p.xs, b * INPUTS, INPUTS, one, one, 1, p.cell.newCache(1));
            for (int j = 0; j < s; j++) {
                assertEquals(one[j], batched[b * s + j], 0f, "key " + b + " state " + j);
            }
        }
    }
}
