package org.forecaster.core.cell;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.KernelsProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each cell's forward pass against {@link ReferenceCells} (double precision, plain loops, written from the seed notes)
 * over a multi-step sequence with the state carried in place, for several keys at once, on random shapes whose sizes
 * are mostly not lane multiples, with both kernel sets. Parameters are random in +-0.7 rather than initialised, so
 * no gate sits at a convenient 0 or 1 and the peepholes and biases are all non-zero.
 *
 * <p>Tolerance per step t: {@code 4 (t+1) (n ulp(1) S + 3e-7)}, with n = I+H the longest sum, S the largest
 * {@code sum |terms|} of a pre-activation in that step, and 3e-7 twice the vector activations' stated error; an
 * error carried from step to step adds at most its own size again (gates and tanh are 1-Lipschitz or less).
 */
class CellForwardReferenceTest {
    private static final double EPS = Math.ulp(1f);
    private static final int STEPS = 6;

    @ParameterizedTest(name = "{0} {1} seed {2}")
    @CsvSource({
        "lstm, scalar, 1", "lstm, vector, 1", "lstm, scalar, 2", "lstm, vector, 2", "lstm, vector, 3",
        "peephole, scalar, 1", "peephole, vector, 1", "peephole, scalar, 2", "peephole, vector, 2", "peephole, vector, 3",
        "gru, scalar, 1", "gru, vector, 1", "gru, scalar, 2", "gru, vector, 2", "gru, vector, 3",
    })
    void forwardMatchesTheDoublePrecisionReferenceOverASequence(String type, String kernels, long seed) {
        Kernels k = KernelsProvider.named(kernels);
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + type.hashCode());
        int inputs = rnd.nextInt(1, 10), hidden = rnd.nextInt(1, 38), batch = rnd.nextInt(1, 8);
        RecurrentCell cell = switch (type) {
            case "lstm" -> new LstmCell(inputs, hidden);
            case "peephole" -> new PeepholeLstmCell(inputs, hidden);
            case "gru" -> new GruCell(inputs, hidden);
            default -> throw new IllegalArgumentException(type);
        };
        String what = type + " " + kernels + " I=" + inputs + " H=" + hidden + " batch=" + batch + " seed=" + seed;
        int pOff = rnd.nextInt(0, 9), s = cell.stateSize(), ldx = inputs + rnd.nextInt(0, 3);
        float[] params = new float[pOff + cell.parameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) rnd.nextDouble(-0.7, 0.7);
        }
        double[] p = new double[params.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = params[i];
        }
        float[] state = new float[batch * s];
        for (int i = 0; i < state.length; i++) {
            state[i] = (float) rnd.nextDouble(-1, 1);
        }
        double[][] ref = new double[batch][];
        for (int b = 0; b < batch; b++) {
            ref[b] = new double[s];
            for (int j = 0; j < s; j++) {
                ref[b][j] = state[b * s + j];
            }
        }
        StepCache cache = cell.newCache(batch);
        double carried = 0;
        for (int t = 0; t < STEPS; t++) {
            float[] x = new float[batch * ldx];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble(-2, 2);
            }
            double maxTerms = 0;
            for (int b = 0; b < batch; b++) {
                double[] xb = new double[inputs];
                for (int i = 0; i < inputs; i++) {
                    xb[i] = x[b * ldx + i];
                }
                maxTerms = Math.max(maxTerms, maxSumAbs(cell, p, pOff, xb, ref[b]));
                ref[b] = ReferenceCells.step(cell, p, pOff, xb, ref[b]);
            }
            cell.forward(k, params, pOff, x, 0, ldx, state, state, batch, cache);
            carried += 4 * ((inputs + hidden) * EPS * maxTerms + 3e-7);
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < s; j++) {
                    double err = Math.abs(state[b * s + j] - ref[b][j]);
                    if (!(err <= carried)) {
                        fail(what + ": step " + t + " key " + b + " state " + j + " is " + state[b * s + j]
                                + ", reference " + ref[b][j] + ", tolerance " + carried + "; all: "
                                + Arrays.toString(Arrays.copyOfRange(state, b * s, b * s + s)));
                    }
                }
            }
        }
    }

    /** The largest {@code |b| + sum |w v|} over the gate rows, with v = [x, h] (peephole terms |p c| included). */
    private static double maxSumAbs(RecurrentCell cell, double[] p, int pOff, double[] x, double[] state) {
        int in = cell.inputSize(), h = cell.hiddenSize(), rows = (cell.parameterCount() - (cell instanceof PeepholeLstmCell ? 3 * h : 0))
                / (in + h + 1);
        double max = 0;
        for (int r = 0; r < rows; r++) {
            double sum = Math.abs(p[pOff + (in + h) * rows + r]);
            for (int c = 0; c < in; c++) {
                sum += Math.abs(p[pOff + c * rows + r] * x[c]);
            }
            for (int c = 0; c < h; c++) {
                sum += Math.abs(p[pOff + (in + c) * rows + r] * state[c]);
            }
            max = Math.max(max, sum + (state.length > h ? 2 * Math.abs(state[h + r % h]) : 0));
        }
        return max;
    }
}
