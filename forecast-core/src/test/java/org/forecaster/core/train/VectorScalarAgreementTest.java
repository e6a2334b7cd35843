package org.forecaster.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.kernel.ScalarKernels;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.StepCaches;
import org.forecaster.core.optim.LrSchedule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vector kernels against the scalar ones above the kernel level: whole network steps ({@link Forecaster}) and one
 * training epoch ({@link TbpttTrainer}), same parameters and seed, on hidden sizes that are not lane multiples (5, 11,
 * 13, 19, 21 against 8 and 16 lanes) and batches that leave partial key blocks. Differences may come from summation
 * order and the vector activations' stated error only, so the tolerance is of order {@code n ulp(1) sum|terms|}.
 * forecast-core's pom runs this class again at 256 and 512 bits.
 */
class VectorScalarAgreementTest {
    private static final double EPS = Math.ulp(1f);
    private static final int STEPS = 5;

    /**
     * Outputs and states after each of 5 steps. Tolerance after step t: {@code (t+1) (n ulp M + 2e-7) (1 + A)}, with n
     * the longest sum (I+H), M the largest row sum {@code |b| + sum |w|} of any layer or the head times the largest
     * input or state magnitude (a bound on {@code sum |terms|}), 2e-7 the activations' error, and A the largest
     * head row sum (how much the head can amplify an error in h).
     */
    @ParameterizedTest(name = "{0} layers={1} hidden={2} batch={3}")
    @CsvSource({"LSTM, 2, 5, 7", "LSTM, 1, 19, 3", "LSTM, 1, 37, 53", "GRU, 2, 11, 7", "GRU, 1, 21, 5", "PEEPHOLE_LSTM, 2, 13, 7",
        "PEEPHOLE_LSTM, 1, 21, 2"})
    void networkStepsAgreeWithinRounding(CellType type, int layers, int hidden, int batch) {
        ModelSpec spec = new ModelSpec(type, layers, Features.COUNT, hidden, 3);
        SplittableRandom rnd = new SplittableRandom(hidden * 31L + layers);
        float[] params = Forecaster.initialize(spec, 3, ScalarKernels.INSTANCE).parameters();
        for (int i = 0; i < params.length; i++) {
            params[i] += (float) rnd.nextDouble(-0.3, 0.3); // off the initial point: non-zero biases, peepholes, head
        }
        Forecaster scalar = new Forecaster(spec, params.clone(), ScalarKernels.INSTANCE);
        Forecaster vector = new Forecaster(spec, params.clone(), KernelsProvider.named("vector"));
        float[][] ss = scalar.newStates(batch), vs = vector.newStates(batch);
        StepCaches sc = scalar.newCache(batch), vc = vector.newCache(batch);
        int o = scalar.outputSize(), in = spec.inputSize(), n = Math.max(in, hidden) + hidden;
        float[] sOut = new float[batch * o], vOut = new float[batch * o];
        double rowSum = maxRowSum(params, spec), head = headRowSum(params, spec);
        String what = spec + " batch " + batch + " vector " + vector.kernels().name();
        for (int t = 0; t < STEPS; t++) {
            float[] x = new float[batch * in];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble(-2, 2);
            }
            double magnitude = 2;
            for (float[] layer : ss) {
                for (float v : layer) {
                    magnitude = Math.max(magnitude, Math.abs(v));
                }
            }
            scalar.step(batch, x, 0, in, ss, sOut, 0, sc);
            vector.step(batch, x, 0, in, vs, vOut, 0, vc);
            double tol = (t + 1) * (n * EPS * rowSum * magnitude + 2e-7) * (1 + head);
            assertClose(what + " step " + t + " output", sOut, vOut, tol);
            for (int l = 0; l < layers; l++) {
                assertClose(what + " step " + t + " layer " + l + " state", ss[l], vs[l], tol);
            }
        }
    }

    /**
     * One epoch of TBPTT(8, 12) with SGD over 3 series (several updates, so differences feed back through the weights).
     * The parameters move by {@code rate * sum of clipped gradients}; a gradient differs by about {@code n ulp} of the
     * sum of its terms, which the largest move U bounds up to the number of updates. Tolerance per parameter:
     * {@code 2 ulp(theta_i) + 4 n ulp(1) U}.
     */
    @ParameterizedTest(name = "{0} hidden={1}")
    @CsvSource({"LSTM, 11", "GRU, 13", "PEEPHOLE_LSTM, 19"})
    void oneTrainingEpochAgreesWithinRounding(CellType type, int hidden) {
        List<Series> data = TbpttTrainerTest.seasonal(3, 60, 0.2, 17);
        ModelSpec spec = new ModelSpec(type, 2, Features.COUNT, hidden, 3);
        TrainConfig config = TrainConfig.defaults(spec).withTbptt(8, 12).withEpochs(1, 1).withBatchSize(2)
                .withOptimizer("sgd", new LrSchedule.Constant(0.05)).withWarmup(4);
        Kernels vectorKernels = KernelsProvider.named("vector");
        float[] initial = Forecaster.initialize(spec, config.seed(), ScalarKernels.INSTANCE).parameters();
        TrainResult s = new TbpttTrainer(config, ScalarKernels.INSTANCE).train(data, initial);
        TrainResult v = new TbpttTrainer(config, vectorKernels).train(data, initial);
        assertEquals(s.updates(), v.updates());
        double move = 0;
        for (int i = 0; i < initial.length; i++) {
            move = Math.max(move, Math.abs(s.parameters()[i] - initial[i]));
        }
        int n = Features.COUNT + 2 * hidden;
        String what = spec + " after " + s.updates() + " updates, vector " + vectorKernels.name() + ", largest move " + move;
        for (int i = 0; i < initial.length; i++) {
            double tol = 2 * Math.ulp(s.parameters()[i]) + 4 * n * EPS * move;
            double diff = Math.abs(s.parameters()[i] - v.parameters()[i]);
            if (!(diff <= tol)) {
                fail(what + ": parameter " + i + " is " + v.parameters()[i] + ", scalar " + s.parameters()[i]
                        + ", tolerance " + tol);
            }
        }
    }

    private static void assertClose(String what, float[] expected, float[] actual, double tol) {
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                fail(what + " " + i + " is " + actual[i] + ", scalar " + expected[i] + ", tolerance " + tol);
            }
        }
    }

    /** Largest {@code |b_r| + sum_c |W_rc|} over every layer's gate rows and the head's rows. */
    private static double maxRowSum(float[] p, ModelSpec spec) {
        int h = spec.hidden(), g = spec.cell().gates() * h, off = 0;
        double max = 0;
        for (int l = 0; l < spec.layers(); l++) {
            int cols = spec.layerInput(l) + h;
            for (int r = 0; r < g; r++) {
                double sum = Math.abs(p[off + cols * g + r]);
                for (int c = 0; c < cols; c++) {
                    sum += Math.abs(p[off + c * g + r]);
                }
                if (spec.cell() == CellType.PEEPHOLE_LSTM) {
                    sum += 3 * Math.abs(p[off + cols * g + g + (r % h)]); // a peephole term, |c| bounded like the states
                }
                max = Math.max(max, sum);
            }
            off += cols * g + g + (spec.cell() == CellType.PEEPHOLE_LSTM ? 3 * h : 0);
        }
        return Math.max(max, headRowSum(p, spec) + 1);
    }

    /** Largest {@code |b_o| + sum_j |W_oj|} of the head (its rows also add the input level, hence the +1 above). */
    private static double headRowSum(float[] p, ModelSpec spec) {
        int h = spec.hidden(), o = 2 * spec.horizon(), w = p.length - o - h * o;
        double max = 0;
        for (int r = 0; r < o; r++) {
            double sum = Math.abs(p[w + h * o + r]);
            for (int j = 0; j < h; j++) {
                sum += Math.abs(p[w + j * o + r]);
            }
            max = Math.max(max, sum);
        }
        return max;
    }
}
