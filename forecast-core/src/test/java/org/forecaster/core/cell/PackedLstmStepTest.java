package org.forecaster.core.cell;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.kernel.PackedMatrix;
import org.forecaster.core.kernel.ScalarKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The LSTM family's packed step ({@link RecurrentCell#pack} + the packed {@code forward}) against its unpacked
 * step, over several steps with the state carried in place, on sizes that are mostly not lane multiples, single
 * keys, odd batches and batches past one chunk ({@value LstmFamily#PACKED_CHUNK} keys). forecast-core's pom runs
 * this class again at 256 and 512 bits.
 */
class PackedLstmStepTest {
    private static final double EPS = Math.ulp(1f);
    private static final int STEPS = 4;
    private static final Kernels VECTOR = KernelsProvider.named("vector");

    private record Setup(RecurrentCell cell, int inputs, int pOff, float[] params, float[] state, float[][] xs) {}

    private static Setup setup(boolean peephole, int inputs, int hidden, int batch, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        RecurrentCell cell = peephole ? new PeepholeLstmCell(inputs, hidden) : new LstmCell(inputs, hidden);
        int pOff = rnd.nextInt(0, 9);
        float[] params = new float[pOff + cell.parameterCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) rnd.nextDouble(-0.7, 0.7);
        }
        float[] state = new float[batch * cell.stateSize()];
        for (int i = 0; i < state.length; i++) {
            state[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[][] xs = new float[STEPS][batch * inputs];
        for (float[] x : xs) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble(-2, 2);
            }
        }
        return new Setup(cell, inputs, pOff, params, state, xs);
    }

    /** States after each step, packed ({@code packed != null}) or not. */
    private static float[][] run(Setup s, Kernels k, boolean packed, int batch) {
        PackedMatrix p = packed ? s.cell().pack(k, s.params(), s.pOff()) : null;
        StepCache cache = s.cell().newCache(batch);
        float[] state = s.state().clone();
        float[][] out = new float[STEPS][];
        for (int t = 0; t < STEPS; t++) {
            s.cell().forward(k, s.params(), s.pOff(), p, s.xs()[t], 0, s.inputs(), state, state, batch, cache);
            out[t] = state.clone();
        }
        return out;
    }

    @ParameterizedTest(name = "peephole={0} I={1} H={2} batch={3}")
    @CsvSource({"false, 8, 64, 1", "false, 8, 37, 7", "false, 3, 5, 13", "false, 8, 21, 53", "true, 8, 37, 7",
        "true, 2, 19, 50", "false, 1, 1, 6"})
    void scalarPackedStepIsBitIdenticalToTheUnpackedStep(boolean peephole, int inputs, int hidden, int batch) {
        Setup s = setup(peephole, inputs, hidden, batch, 31L * hidden + batch);
        float[][] want = run(s, ScalarKernels.INSTANCE, false, batch);
        float[][] got = run(s, ScalarKernels.INSTANCE, true, batch);
        for (int t = 0; t < STEPS; t++) {
            if (!Arrays.equals(want[t], got[t])) {
                fail("step " + t + ": packed scalar state differs from unpacked at H=" + hidden + " batch=" + batch);
            }
        }
    }

    /**
     * Vector packed against vector unpacked: the two products add the same terms in another grouping, so they may
     * differ by {@code n ulp(1) sum|terms|} per pre-activation; carried over steps as in {@code CellForwardReferenceTest}.
     */
    @ParameterizedTest(name = "peephole={0} I={1} H={2} batch={3}")
    @CsvSource({"false, 8, 64, 1", "false, 8, 37, 7", "false, 3, 5, 13", "false, 8, 21, 53", "true, 8, 37, 7",
        "true, 2, 19, 50", "false, 8, 256, 3"})
    void vectorPackedStepAgreesWithTheUnpackedStepWithinRounding(boolean peephole, int inputs, int hidden, int batch) {
        Setup s = setup(peephole, inputs, hidden, batch, 17L * hidden + batch);
        float[][] want = run(s, VECTOR, false, batch);
        float[][] got = run(s, VECTOR, true, batch);
        int n = inputs + hidden;
        for (int t = 0; t < STEPS; t++) {
            double magnitude = 2;
            for (float v : want[t]) {
                magnitude = Math.max(magnitude, Math.abs(v));
            }
            double sumTerms = (n + 1) * 0.7 * magnitude;
            double tol = 4 * (t + 1) * (n * EPS * sumTerms + 3e-7);
            for (int i = 0; i < want[t].length; i++) {
                if (!(Math.abs((double) want[t][i] - got[t][i]) <= tol)) {
                    fail("step " + t + " element " + i + ": packed " + got[t][i] + ", unpacked " + want[t][i]
                            + ", tolerance " + tol + " (" + VECTOR.name() + ", H=" + hidden + ", batch=" + batch + ")");
                }
            }
        }
    }

    /** Each key alone gets the bits it gets inside the batch: batched serving equals one-at-a-time serving. */
    @ParameterizedTest(name = "{0} kernels, peephole={1}")
    @CsvSource({"vector, false", "vector, true", "scalar, false"})
    void aKeySteppedAloneMatchesTheSameKeyInABatch(String kernels, boolean peephole) {
        Kernels k = KernelsProvider.named(kernels);
        int inputs = 8, hidden = 37, batch = 55;
        Setup s = setup(peephole, inputs, hidden, batch, 99);
        float[][] together = run(s, k, true, batch);
        int ss = s.cell().stateSize();
        for (int b = 0; b < batch; b++) {
            float[][] xs = new float[STEPS][];
            for (int t = 0; t < STEPS; t++) {
                xs[t] = Arrays.copyOfRange(s.xs()[t], b * inputs, (b + 1) * inputs);
            }
            Setup one = new Setup(s.cell(), inputs, s.pOff(), s.params(),
                    Arrays.copyOfRange(s.state(), b * ss, (b + 1) * ss), xs);
            float[][] alone = run(one, k, true, 1);
            for (int t = 0; t < STEPS; t++) {
                if (!Arrays.equals(Arrays.copyOfRange(together[t], b * ss, (b + 1) * ss), alone[t])) {
                    fail("key " + b + " step " + t + ": alone differs from batched (" + k.name() + ")");
                }
            }
        }
    }

    @Test
    void rejectsAPackedMatrixOfAnotherShape() {
        LstmCell cell = new LstmCell(8, 16);
        LstmCell other = new LstmCell(8, 17);
        float[] params = new float[other.parameterCount()];
        PackedMatrix wrong = other.pack(VECTOR, params, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cell.forward(VECTOR,
                new float[cell.parameterCount()], 0, wrong, new float[8], 0, 8, new float[32], new float[32], 1,
                cell.newCache(1)));
        assertTrue(e.getMessage().contains("68x25") && e.getMessage().contains("64x24"), e.getMessage());
    }

    @Test
    void gruHasNoPackedPathAndStepsAsBefore() {
        GruCell gru = new GruCell(3, 5);
        assertTrue(gru.pack(VECTOR, new float[gru.parameterCount()], 0) == null);
    }
}
