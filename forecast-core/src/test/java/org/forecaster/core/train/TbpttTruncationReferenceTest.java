package org.forecaster.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.core.cell.ReferenceCells;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.optim.LrSchedule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TBPTT with {@code k2 > k1} against an independent reference: the gradient of the truncated objective by central
 * finite differences on a double-precision model written from the seed notes ({@link ReferenceCells}), not by the
 * project's backward pass.
 *
 * <p>Definition (Williams and Peng 1990, TBPTT(k1, k2); as {@link TbpttTrainer} implements it): the network runs
 * forward one step at a time; after every k1 steps, at step t, the losses of the last k1 steps {@code (t-k1, t]} are
 * backpropagated through the last k2 steps {@code (t-k2, t]}: the state entering step {@code t-k2+1} is a constant,
 * and every step from there to t sees the current parameters. The update is the gradient of
 * <pre>
 *   J(theta) = (1/n) sum_{s in (t-k1, t]} loss_s(theta),   loss_s depending on theta through steps t-k2+1 .. s only
 * </pre>
 * with n the number of scored targets. Here k1 = 4, k2 = 6 on one series of 8 training steps with the first 4 steps
 * unscored (warm-up), so the first update has no loss and is skipped, and the only update, at t = 7, backpropagates
 * the losses of steps 4..6 (step 7's targets lie past the training range) through steps 2..7, from the state after
 * step 1 held fixed. Nothing was updated before it, so every cached activation belongs to the initial parameters and J
 * is exactly a function of theta. Plain SGD with no clipping then gives {@code theta1 = theta0 - rate * grad J}.
 *
 * <p>The test also checks it can tell the truncation apart: the references for windows of k2 - 1 and k2 + 1 steps
 * differ from the k2 one by many times the tolerance.
 */
class TbpttTruncationReferenceTest {
    private static final int K1 = 4, K2 = 6, LENGTH = 8, HIDDEN = 3, HORIZON = 2;
    private static final double RATE = 0.5;

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void oneUpdateEqualsTheGradientOfTheTruncatedObjective(String kernels) {
        check(kernels, Truncation.WILLIAMS_PENG, K2);
    }

    /**
     * The seed notes' definition ({@link Truncation#PER_LOSS}): each loss at step s depends on theta through steps
     * {@code s-k2+1 .. s} only, the state entering them held fixed. Here k1 = k2 = 4 (at k2 = 6 the window of the
     * first losses reaches step 0, and one step more or less would hardly change them): the losses of steps 4, 5 and
     * 6 reach back to steps 1, 2 and 3, where Williams-Peng's single sweep reaches step 4 for all three, so the reference
     * tells the two apart.
     */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void perLossUpdateEqualsTheGradientOfTheNotesObjective(String kernels) {
        check(kernels, Truncation.PER_LOSS, K1);
    }

    private static void check(String kernels, Truncation truncation, int k2) {
        List<Series> data = TbpttTrainerTest.seasonal(1, LENGTH, 0.3, 11);
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, HIDDEN, HORIZON);
        TrainConfig config = TrainConfig.defaults(spec).withTbptt(K1, k2).withEpochs(1, 1).withBatchSize(1)
                .withOptimizer("sgd", new LrSchedule.Constant(RATE)).withSplit(new TimeSplit(1.0, 0.0))
                .withClipNorm(1e9).withWarmup(K1).withLoss(Loss.MSE).withTruncation(truncation);
        // Weights of order 1 rather than Glorot's, so that gradient reaches back over the whole window and a window
        // one step shorter or longer changes it by far more than the tolerance.
        float[] initial = new float[spec.parameterCount()];
        SplittableRandom rnd = new SplittableRandom(20);
        for (int i = 0; i < initial.length; i++) {
            initial[i] = (float) rnd.nextDouble(-1.2, 1.2);
        }
        TrainResult trained = new TbpttTrainer(config, KernelsProvider.named(kernels)).train(data, initial);
        assertEquals(1, trained.updates(), "the first chunk is all warm-up, so only the second one updates");

        PreparedSeries series = new PreparedSeries(data.getFirst(), config.normalizer());
        double[] theta0 = new double[initial.length];
        for (int i = 0; i < initial.length; i++) {
            theta0[i] = initial[i];
        }
        boolean perLoss = truncation == Truncation.PER_LOSS;
        double[] expected = gradient(theta0, series, k2, perLoss);
        double[] shorter = gradient(theta0, series, k2 - 1, perLoss), longer = gradient(theta0, series, k2 + 1, perLoss);
        double[] other = gradient(theta0, series, k2, !perLoss);

        double scale = 0;
        for (double g : expected) {
            scale = Math.max(scale, Math.abs(g));
        }
        double[] tol = new double[theta0.length];
        double distShorter = 0, distLonger = 0, distOther = 0;
        for (int i = 0; i < tol.length; i++) {
            // float forward/backward against double: relative 1e-4 of the largest component, plus the rounding of
            // theta0 - rate * g in float, divided back by the rate
            tol[i] = 1e-4 * scale + 1e-3 * Math.abs(expected[i]) + 2 * Math.ulp(initial[i]) / RATE;
            distShorter = Math.max(distShorter, Math.abs(shorter[i] - expected[i]) / tol[i]);
            distLonger = Math.max(distLonger, Math.abs(longer[i] - expected[i]) / tol[i]);
            distOther = Math.max(distOther, Math.abs(other[i] - expected[i]) / tol[i]);
        }
        assertTrue(distOther > 20, "the reference must tell the two truncations apart (" + distOther + " tolerances)");
        assertTrue(distShorter > 20 && distLonger > 20, "the reference must tell k2 - 1 (" + distShorter
                + " tolerances away) and k2 + 1 (" + distLonger + ") from k2");
        for (int i = 0; i < theta0.length; i++) {
            double actual = (initial[i] - (double) trained.parameters()[i]) / RATE;
            if (!(Math.abs(actual - expected[i]) <= tol[i])) {
                fail("parameter " + i + ": update implies gradient " + actual + ", truncated reference " + expected[i]
                        + " (window k2-1: " + shorter[i] + ", k2+1: " + longer[i] + "), tolerance " + tol[i]);
            }
        }
    }

    /** Central differences of {@link #objective} in every parameter. */
    private static double[] gradient(double[] theta, PreparedSeries series, int window, boolean perLoss) {
        double[] g = new double[theta.length], t = theta.clone();
        double h = 1e-6;
        for (int i = 0; i < theta.length; i++) {
            t[i] = theta[i] + h;
            double up = perLoss ? objectivePerLoss(theta, t, series, window) : objective(theta, t, series, window);
            t[i] = theta[i] - h;
            double down = perLoss ? objectivePerLoss(theta, t, series, window) : objective(theta, t, series, window);
            t[i] = theta[i];
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    /**
     * J(theta) of the class comment for the update at t = LENGTH - 1 with a window of {@code window} steps: the state
     * after step {@code t - window} comes from {@code frozen} (the parameters the forward pass ran with), the steps
     * after it from {@code theta}. MSE of the means, {@code mu_k = head.b_k + head.w_k . h + x_0} (residual over the
     * step's input value), over the targets in the training range, divided by their count.
     */
    private static double objective(double[] frozen, double[] theta, PreparedSeries series, int window) {
        int t = LENGTH - 1, first = Math.max(0, t - window + 1);
        double sum = 0;
        int n = 0;
        for (int s = Math.max(K1, t - K1 + 1); s <= t; s++) { // this update's k1 steps, after the warm-up
            double[] r = lossAt(frozen, theta, series, s, first);
            sum += r[0];
            n += (int) r[1];
        }
        return sum / n;
    }

    /**
     * The notes' objective for the same update: the mean over the scored targets of steps (t-k1, t] of loss_s, where
     * loss_s runs steps before {@code s - window + 1} with {@code frozen} and the rest up to s with {@code theta}.
     */
    private static double objectivePerLoss(double[] frozen, double[] theta, PreparedSeries series, int window) {
        int t = LENGTH - 1;
        double sum = 0;
        int n = 0;
        for (int s = Math.max(K1, t - K1 + 1); s <= t; s++) {
            double[] r = lossAt(frozen, theta, series, s, Math.max(0, s - window + 1));
            sum += r[0];
            n += (int) r[1];
        }
        return sum / n;
    }

    /** {squared-error sum, target count} of step s's targets, steps before {@code first} run with {@code frozen}. */
    private static double[] lossAt(double[] frozen, double[] theta, PreparedSeries series, int s, int first) {
        int in = Features.COUNT, cellParams = (in + HIDDEN) * 4 * HIDDEN + 4 * HIDDEN;
        int headW = cellParams, headB = headW + HIDDEN * 2 * HORIZON;
        double[] state = new double[2 * HIDDEN];
        double[] x = new double[in];
        for (int u = 0; u <= s; u++) {
            double[] p = u < first ? frozen : theta;
            x = new double[in];
            for (int i = 0; i < in; i++) {
                x[i] = series.features[u * in + i];
            }
            state = ReferenceCells.lstmStep(p, 0, in, HIDDEN, false, x, state, java.util.Arrays.copyOfRange(state, HIDDEN, 2 * HIDDEN));
        }
        float[] targets = new float[HORIZON];
        series.targets(s, HORIZON, 0, LENGTH, targets, 0);
        double sum = 0;
        int n = 0;
        for (int k = 0; k < HORIZON; k++) {
            if (Float.isNaN(targets[k])) {
                continue;
            }
            double mu = theta[headB + k] + x[0];
            for (int j = 0; j < HIDDEN; j++) {
                mu += theta[headW + j * 2 * HORIZON + k] * state[j];
            }
            sum += (mu - targets[k]) * (mu - targets[k]);
            n++;
        }
        return new double[] {sum, n};
    }
}
