package org.forecaster.core.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every {@link VectorKernels} method against {@link ScalarKernels}, for every size in {@code 0 .. 4*lanes+3} (so
 * full blocks, single vectors and every tail length are reached), at random offsets inside larger arrays and
 * with random strides. Sums may differ by rounding only: the tolerance is {@code (n+2) * ulp(1) * sum|a_i b_i|}
 * per element, not a relative error on a result that can be near zero. Everything outside the written range
 * must stay bit-identical. Each case has its own seed (in the failure message); {@code -Dkernels.test.seed=N}
 * changes them all.
 */
class VectorKernelsTest {

    private static final Kernels REF = ScalarKernels.INSTANCE;
    private static final Kernels VEC = VectorKernels.INSTANCE;
    private static final int LANES = VectorKernels.S.length();
    private static final int MAX = 4 * LANES + 3;
    private static final long BASE_SEED = Long.getLong("kernels.test.seed", 0x5EEDL);
    private static final double EPS = Math.ulp(1f);

    private static long seed(int kernel, int a, int b, int c) {
        long h = BASE_SEED;
        for (int v : new int[] {kernel, a, b, c}) {
            h = (h ^ v) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 31;
        }
        return h;
    }

    /** Random values of mixed magnitude and sign in an array with random padding on both sides. */
    private static float[] randomArray(SplittableRandom rnd, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * Math.scalb(1.0, rnd.nextInt(-3, 4)));
        }
        return a;
    }

    private static int pad(SplittableRandom rnd) {
        return rnd.nextInt(0, LANES + 4);
    }

    private static int stride(SplittableRandom rnd, int min) {
        return rnd.nextBoolean() ? min : min + rnd.nextInt(1, LANES + 2);
    }

    /**
     * Checks {@code actual} against {@code expected} within {@code tol[i]} where {@code tol[i] >= 0}, and
     * bit-identical to {@code original} where {@code tol[i] < 0} (not written).
     */
    private static void assertClose(String what, float[] original, float[] expected, float[] actual, double[] tol) {
        for (int i = 0; i < actual.length; i++) {
            if (tol[i] < 0) {
                if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(original[i])) {
                    fail(what + ": element " + i + " outside the written range changed from " + original[i]
                            + " to " + actual[i]);
                }
            } else if (!(Math.abs((double) actual[i] - expected[i]) <= tol[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", reference " + expected[i]
                        + ", tolerance " + tol[i]);
            }
        }
    }

    private static double[] untouched(int len) {
        double[] tol = new double[len];
        Arrays.fill(tol, -1);
        return tol;
    }

    private static double tolerance(int terms, double sumAbs) {
        return (terms + 2) * EPS * sumAbs + Float.MIN_VALUE;
    }

    @Test
    void dot() {
        for (int n = 0; n <= MAX; n++) {
            long seed = seed(1, n, 0, 0);
            SplittableRandom rnd = new SplittableRandom(seed);
            int aOff = pad(rnd), bOff = pad(rnd);
            float[] a = randomArray(rnd, aOff + n + pad(rnd));
            float[] b = randomArray(rnd, bOff + n + pad(rnd));
            double sumAbs = 0;
            for (int i = 0; i < n; i++) {
                sumAbs += Math.abs((double) a[aOff + i] * b[bOff + i]);
            }
            float expected = REF.dot(a, aOff, b, bOff, n);
            float actual = VEC.dot(a, aOff, b, bOff, n);
            String what = "dot n=" + n + " seed=" + seed;
            assertTrue(Math.abs((double) actual - expected) <= tolerance(n, sumAbs),
                    what + ": " + actual + " vs reference " + expected);
        }
    }

    @Test
    void axpy() {
        for (int n = 0; n <= MAX; n++) {
            long seed = seed(2, n, 0, 0);
            SplittableRandom rnd = new SplittableRandom(seed);
            int xOff = pad(rnd), yOff = pad(rnd);
            float alpha = (float) rnd.nextDouble(-2, 2);
            float[] x = randomArray(rnd, xOff + n + pad(rnd));
            float[] y = randomArray(rnd, yOff + n + pad(rnd));
            float[] expected = y.clone(), actual = y.clone();
            REF.axpy(alpha, x, xOff, expected, yOff, n);
            VEC.axpy(alpha, x, xOff, actual, yOff, n);
            double[] tol = untouched(y.length);
            for (int i = 0; i < n; i++) {
                tol[yOff + i] = tolerance(1, Math.abs(alpha * x[xOff + i]) + Math.abs(y[yOff + i]));
            }
            assertClose("axpy n=" + n + " seed=" + seed, y, expected, actual, tol);
        }
    }

    @Test
    void hadamardIncludingAliasedOutput() {
        for (int n = 0; n <= MAX; n++) {
            long seed = seed(3, n, 0, 0);
            SplittableRandom rnd = new SplittableRandom(seed);
            int aOff = pad(rnd), bOff = pad(rnd), outOff = pad(rnd);
            float[] a = randomArray(rnd, aOff + n + pad(rnd));
            float[] b = randomArray(rnd, bOff + n + pad(rnd));
            float[] out = randomArray(rnd, outOff + n + pad(rnd));
            float[] expected = out.clone(), actual = out.clone();
            REF.hadamard(a, aOff, b, bOff, expected, outOff, n);
            VEC.hadamard(a, aOff, b, bOff, actual, outOff, n);
            double[] tol = untouched(out.length);
            for (int i = 0; i < n; i++) {
                tol[outOff + i] = 0;
            }
            assertClose("hadamard n=" + n + " seed=" + seed, out, expected, actual, tol);

            float[] aliasExpected = a.clone(), aliasActual = a.clone();
            REF.hadamard(aliasExpected, aOff, b, bOff, aliasExpected, aOff, n);
            VEC.hadamard(aliasActual, aOff, b, bOff, aliasActual, aOff, n);
            assertEquals(Arrays.toString(aliasExpected), Arrays.toString(aliasActual),
                    "hadamard in place n=" + n + " seed=" + seed);
        }
    }

    @Test
    void gemvEveryRowsAndCols() {
        for (int rows = 0; rows <= MAX; rows++) {
            for (int cols = 0; cols <= MAX; cols++) {
                checkGemv(rows, cols, seed(4, rows, cols, 0));
            }
        }
    }

    private static void checkGemv(int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int ld = stride(rnd, rows), wOff = pad(rnd), xOff = pad(rnd), yOff = pad(rnd);
        float[] w = randomArray(rnd, wOff + Math.max(0, (cols - 1) * ld + rows) + pad(rnd));
        float[] x = randomArray(rnd, xOff + cols + pad(rnd));
        float[] y = randomArray(rnd, yOff + rows + pad(rnd));
        float[] expected = y.clone(), actual = y.clone();
        REF.gemv(w, wOff, ld, rows, cols, x, xOff, expected, yOff);
        VEC.gemv(w, wOff, ld, rows, cols, x, xOff, actual, yOff);
        double[] tol = untouched(y.length);
        for (int r = 0; r < rows; r++) {
            double sumAbs = Math.abs(y[yOff + r]);
            for (int c = 0; c < cols; c++) {
                sumAbs += Math.abs((double) w[wOff + c * ld + r] * x[xOff + c]);
            }
            tol[yOff + r] = tolerance(cols, sumAbs);
        }
        assertClose("gemv rows=" + rows + " cols=" + cols + " ld=" + ld + " seed=" + seed, y, expected, actual, tol);
    }

    @Test
    void gemmEveryRowsAndBatch() {
        for (int rows = 0; rows <= MAX; rows++) {
            for (int batch = 0; batch <= MAX; batch++) {
                long seed = seed(5, rows, batch, 0);
                checkGemm(rows, new SplittableRandom(seed).nextInt(0, MAX + 1), batch, seed);
            }
        }
    }

    @Test
    void gemmEveryCols() {
        for (int cols = 0; cols <= MAX; cols++) {
            for (int batch = 0; batch <= 9; batch++) {
                long seed = seed(6, cols, batch, 0);
                checkGemm(new SplittableRandom(seed).nextInt(0, MAX + 1), cols, batch, seed);
            }
        }
    }

    @Test
    void gemmAndGemvAtModelSizes() {
        int[][] shapes = {{512, 136, 64}, {256, 72, 7}, {4 * LANES * 3 + 5, 33, 13}, {1, 200, 5}};
        for (int[] s : shapes) {
            long seed = seed(7, s[0], s[1], s[2]);
            checkGemm(s[0], s[1], s[2], seed);
            checkGemv(s[0], s[1], seed);
        }
    }

    private static void checkGemm(int rows, int cols, int batch, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int ld = stride(rnd, rows), ldx = stride(rnd, cols), ldy = stride(rnd, rows);
        int wOff = pad(rnd), xOff = pad(rnd), yOff = pad(rnd);
        float[] w = randomArray(rnd, wOff + Math.max(0, (cols - 1) * ld + rows) + pad(rnd));
        float[] x = randomArray(rnd, xOff + Math.max(0, (batch - 1) * ldx + cols) + pad(rnd));
        float[] y = randomArray(rnd, yOff + Math.max(0, (batch - 1) * ldy + rows) + pad(rnd));
        float[] expected = y.clone(), actual = y.clone();
        REF.gemm(w, wOff, ld, rows, cols, x, xOff, ldx, expected, yOff, ldy, batch);
        VEC.gemm(w, wOff, ld, rows, cols, x, xOff, ldx, actual, yOff, ldy, batch);
        double[] tol = untouched(y.length);
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                int yi = yOff + b * ldy + r;
                double sumAbs = Math.abs(y[yi]);
                for (int c = 0; c < cols; c++) {
                    sumAbs += Math.abs((double) w[wOff + c * ld + r] * x[xOff + b * ldx + c]);
                }
                tol[yi] = tolerance(cols, sumAbs);
            }
        }
        assertClose("gemm rows=" + rows + " cols=" + cols + " batch=" + batch + " ld=" + ld + " ldx=" + ldx
                + " ldy=" + ldy + " seed=" + seed, y, expected, actual, tol);
    }

    /**
     * Packed product against the scalar reference and against the unpacked {@link ScalarKernels#gemm} started from
     * the bias: all three add the same FMAs in the same order, so they must agree bit for bit, for every row count
     * (every tail of the last panel), batches that leave 0..5 keys after the 6-key tiles, and batches across the
     * key blocks.
     */
    @Test
    void gemmPackedIsBitIdenticalToTheScalarReference() {
        int[] batches = {0, 1, 2, 5, 6, 7, 11, 13, VectorKernels.KEY_BLOCK - 1, VectorKernels.KEY_BLOCK + 7};
        for (int rows = 0; rows <= MAX + VectorKernels.PANEL; rows++) {
            for (int batch : batches) {
                long seed = seed(11, rows, batch, 0);
                checkGemmPacked(rows, new SplittableRandom(seed).nextInt(0, MAX + 1), batch, seed);
            }
        }
        for (int[] s : new int[][] {{512, 136, 64}, {4 * 37, 8 + 37, 53}, {4 * 256, 8 + 256, 3}}) {
            checkGemmPacked(s[0], s[1], s[2], seed(12, s[0], s[1], s[2]));
        }
    }

    private static void checkGemmPacked(int rows, int cols, int batch, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int ld = stride(rnd, rows), ldx = stride(rnd, cols), ldy = stride(rnd, rows);
        int wOff = pad(rnd), bOff = pad(rnd), xOff = pad(rnd), yOff = pad(rnd);
        float[] w = randomArray(rnd, wOff + Math.max(0, (cols - 1) * ld + rows) + pad(rnd));
        float[] bias = randomArray(rnd, bOff + rows + pad(rnd));
        float[] x = randomArray(rnd, xOff + Math.max(0, (batch - 1) * ldx + cols) + pad(rnd));
        float[] y = randomArray(rnd, yOff + Math.max(0, (batch - 1) * ldy + rows) + pad(rnd));
        PackedMatrix packed = VEC.pack(w, wOff, ld, rows, cols, bias, bOff);
        String what = "gemmPacked rows=" + rows + " cols=" + cols + " batch=" + batch + " ld=" + ld + " ldx=" + ldx
                + " ldy=" + ldy + " panel=" + packed.panelRows() + " seed=" + seed;

        float[] unpacked = y.clone();
        for (int b = 0; b < batch; b++) {
            System.arraycopy(bias, bOff, unpacked, yOff + b * ldy, rows);
        }
        REF.gemm(w, wOff, ld, rows, cols, x, xOff, ldx, unpacked, yOff, ldy, batch);
        float[] reference = y.clone(), actual = y.clone();
        REF.gemmPacked(packed, x, xOff, ldx, reference, yOff, ldy, batch);
        VEC.gemmPacked(packed, x, xOff, ldx, actual, yOff, ldy, batch);
        assertBitIdentical(what + " (scalar packed vs scalar gemm)", unpacked, reference);
        assertBitIdentical(what + " (vector vs scalar packed)", reference, actual);
    }

    private static void assertBitIdentical(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    /** A key stepped alone, or anywhere in a batch, gets the same bits: what one-at-a-time vs batched serving needs. */
    @Test
    void gemmPackedKeyResultDoesNotDependOnTheBatch() {
        int rows = 4 * 37, cols = 8 + 37, batch = 61;
        long seed = seed(13, rows, cols, batch);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] w = randomArray(rnd, cols * rows);
        float[] bias = randomArray(rnd, rows);
        float[] x = randomArray(rnd, batch * cols);
        PackedMatrix packed = VEC.pack(w, 0, rows, rows, cols, bias, 0);
        float[] together = new float[batch * rows];
        VEC.gemmPacked(packed, x, 0, cols, together, 0, rows, batch);
        float[] alone = new float[rows];
        for (int b = 0; b < batch; b++) {
            VEC.gemmPacked(packed, x, b * cols, cols, alone, 0, rows, 1);
            assertBitIdentical("key " + b + " of " + batch + " seed=" + seed,
                    Arrays.copyOfRange(together, b * rows, (b + 1) * rows), alone);
        }
    }

    /** The scalar reference reads any panel width and gives the same bits for each. */
    @Test
    void scalarPackedProductIsTheSameForEveryPanelWidth() {
        int rows = 53, cols = 19, batch = 4;
        SplittableRandom rnd = new SplittableRandom(seed(14, rows, cols, batch));
        float[] w = randomArray(rnd, cols * rows);
        float[] bias = randomArray(rnd, rows);
        float[] x = randomArray(rnd, batch * cols);
        float[] first = null;
        for (int panel : new int[] {1, 7, 16, 32, 64, 128}) {
            float[] y = new float[batch * rows];
            REF.gemmPacked(PackedMatrix.pack(w, 0, rows, rows, cols, bias, 0, panel), x, 0, cols, y, 0, rows, batch);
            if (first == null) {
                first = y;
            } else {
                assertBitIdentical("panel " + panel, first, y);
            }
        }
    }

    @Test
    void packedShapeErrorsNameTheSizes() {
        float[] w = new float[40];
        PackedMatrix foreign = PackedMatrix.pack(w, 0, 8, 8, 5, null, 0, VectorKernels.PANEL + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VEC.gemmPacked(foreign, new float[5], 0, 5, new float[8], 0, 8, 1));
        assertTrue(e.getMessage().contains("panels of " + (VectorKernels.PANEL + 1)), e.getMessage());
        PackedMatrix packed = VEC.pack(w, 0, 8, 8, 5, null, 0);
        e = assertThrows(IllegalArgumentException.class,
                () -> VEC.gemmPacked(packed, new float[10], 0, 5, new float[15], 0, 8, 2));
        assertTrue(e.getMessage().contains("gemmPacked y"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PackedMatrix.pack(w, 0, 8, 8, 5, new float[7], 0, 16));
        assertTrue(e.getMessage().contains("pack bias"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PackedMatrix.pack(w, 0, 8, 8, 5, null, 0, 0));
        assertTrue(e.getMessage().contains("at least one row"), e.getMessage());
    }

    @Test
    void gemvTransposedEveryRowsAndCols() {
        for (int rows = 0; rows <= MAX; rows++) {
            for (int cols = 0; cols <= MAX; cols++) {
                long seed = seed(8, rows, cols, 0);
                SplittableRandom rnd = new SplittableRandom(seed);
                int ld = stride(rnd, rows), wOff = pad(rnd), dyOff = pad(rnd), xOff = pad(rnd);
                float[] w = randomArray(rnd, wOff + Math.max(0, (cols - 1) * ld + rows) + pad(rnd));
                float[] dy = randomArray(rnd, dyOff + rows + pad(rnd));
                float[] x = randomArray(rnd, xOff + cols + pad(rnd));
                float[] expected = x.clone(), actual = x.clone();
                REF.gemvTransposed(w, wOff, ld, rows, cols, dy, dyOff, expected, xOff);
                VEC.gemvTransposed(w, wOff, ld, rows, cols, dy, dyOff, actual, xOff);
                double[] tol = untouched(x.length);
                for (int c = 0; c < cols; c++) {
                    double sumAbs = Math.abs(x[xOff + c]);
                    for (int r = 0; r < rows; r++) {
                        sumAbs += Math.abs((double) w[wOff + c * ld + r] * dy[dyOff + r]);
                    }
                    tol[xOff + c] = tolerance(rows, sumAbs);
                }
                assertClose("gemvTransposed rows=" + rows + " cols=" + cols + " ld=" + ld + " seed=" + seed,
                        x, expected, actual, tol);
            }
        }
    }

    @Test
    void addOuterEveryRowsAndCols() {
        for (int rows = 0; rows <= MAX; rows++) {
            for (int cols = 0; cols <= MAX; cols++) {
                long seed = seed(9, rows, cols, 0);
                SplittableRandom rnd = new SplittableRandom(seed);
                int ld = stride(rnd, rows), wOff = pad(rnd), dyOff = pad(rnd), xOff = pad(rnd);
                float[] w = randomArray(rnd, wOff + Math.max(0, (cols - 1) * ld + rows) + pad(rnd));
                float[] x = randomArray(rnd, xOff + cols + pad(rnd));
                float[] dy = randomArray(rnd, dyOff + rows + pad(rnd));
                float[] expected = w.clone(), actual = w.clone();
                REF.addOuter(expected, wOff, ld, rows, cols, x, xOff, dy, dyOff);
                VEC.addOuter(actual, wOff, ld, rows, cols, x, xOff, dy, dyOff);
                double[] tol = untouched(w.length);
                for (int c = 0; c < cols; c++) {
                    for (int r = 0; r < rows; r++) {
                        int wi = wOff + c * ld + r;
                        tol[wi] = tolerance(1, Math.abs((double) x[xOff + c] * dy[dyOff + r]) + Math.abs(w[wi]));
                    }
                }
                assertClose("addOuter rows=" + rows + " cols=" + cols + " ld=" + ld + " seed=" + seed,
                        w, expected, actual, tol);
            }
        }
    }

    @Test
    void activationsEveryLengthAndOffset() {
        for (int n = 0; n <= MAX; n++) {
            long seed = seed(10, n, 0, 0);
            SplittableRandom rnd = new SplittableRandom(seed);
            int off = pad(rnd);
            float[] a = randomArray(rnd, off + n + pad(rnd));
            for (int i = 0; i < a.length; i++) {
                a[i] *= 8;
            }
            double[] tolS = untouched(a.length), tolT = untouched(a.length);
            for (int i = 0; i < n; i++) {
                tolS[off + i] = VectorKernels.SIGMOID_MAX_ERROR;
                tolT[off + i] = VectorKernels.TANH_MAX_ERROR;
            }
            float[] expected = a.clone(), actual = a.clone();
            REF.sigmoid(expected, off, n);
            VEC.sigmoid(actual, off, n);
            assertClose("sigmoid n=" + n + " seed=" + seed, a, expected, actual, tolS);
            expected = a.clone();
            actual = a.clone();
            REF.tanh(expected, off, n);
            VEC.tanh(actual, off, n);
            assertClose("tanh n=" + n + " seed=" + seed, a, expected, actual, tolT);
        }
    }

    /** The LSTM element-wise step by separate kernel calls: what {@link Kernels#lstmPointwise}'s default does. */
    private static void pointwiseByCalls(Kernels k, float[] gates, int gOff, float[] cPrev, int cpOff, float[] c,
                                         int cOff, float[] tanhC, int tOff, float[] state, int sOff, int n) {
        k.sigmoid(gates, gOff, 2 * n);
        k.tanh(gates, gOff + 2 * n, n);
        k.hadamard(gates, gOff + n, cPrev, cpOff, c, cOff, n);
        k.hadamard(gates, gOff, gates, gOff + 2 * n, tanhC, tOff, n);
        k.axpy(1f, tanhC, tOff, c, cOff, n);
        k.sigmoid(gates, gOff + 3 * n, n);
        System.arraycopy(c, cOff, tanhC, tOff, n);
        k.tanh(tanhC, tOff, n);
        k.hadamard(gates, gOff + 3 * n, tanhC, tOff, state, sOff, n);
        System.arraycopy(c, cOff, state, sOff + n, n);
    }

    /**
     * The fused LSTM element-wise step: bit-identical to the vector kernels called one by one (so fused and unfused
     * steps agree exactly), within the activations' stated error of the scalar reference, and nothing outside its
     * ranges written; every length up to four vectors and some hidden sizes of models, at random offsets.
     */
    @Test
    void lstmPointwiseEqualsTheSeparateCallsAndIsCloseToScalar() {
        int[] extra = {37, 64, 128, 256, 259};
        for (int t = 0; t <= MAX + extra.length; t++) {
            int n = t <= MAX ? t : extra[t - MAX - 1];
            long seed = seed(13, n, 0, 0);
            SplittableRandom rnd = new SplittableRandom(seed);
            int gOff = pad(rnd), cpOff = pad(rnd), cOff = pad(rnd), tOff = pad(rnd), sOff = pad(rnd);
            float[] gates = randomArray(rnd, gOff + 4 * n + pad(rnd));
            for (int i = 0; i < gates.length; i++) {
                gates[i] *= 3;
            }
            float[] cPrev = randomArray(rnd, cpOff + n + pad(rnd));
            float[] c = randomArray(rnd, cOff + n + pad(rnd));
            float[] tanhC = randomArray(rnd, tOff + n + pad(rnd));
            float[] state = randomArray(rnd, sOff + 2 * n + pad(rnd));
            float[][] fused = {gates.clone(), c.clone(), tanhC.clone(), state.clone()};
            float[][] calls = {gates.clone(), c.clone(), tanhC.clone(), state.clone()};
            float[][] ref = {gates.clone(), c.clone(), tanhC.clone(), state.clone()};
            VEC.lstmPointwise(fused[0], gOff, cPrev, cpOff, fused[1], cOff, fused[2], tOff, fused[3], sOff, n);
            pointwiseByCalls(VEC, calls[0], gOff, cPrev, cpOff, calls[1], cOff, calls[2], tOff, calls[3], sOff, n);
            REF.lstmPointwise(ref[0], gOff, cPrev, cpOff, ref[1], cOff, ref[2], tOff, ref[3], sOff, n);
            String[] names = {"gates", "c", "tanhC", "state"};
            for (int a = 0; a < 4; a++) {
                assertEquals(Arrays.toString(calls[a]), Arrays.toString(fused[a]),
                        "lstmPointwise " + names[a] + " n=" + n + " seed=" + seed);
            }
            // Against the scalar reference: each activation within its bound; c sums two products of activations
            // (|c_prev| <= 8, |g| <= 1), tanh(c) and h carry c's error on.
            double sErr = VectorKernels.SIGMOID_MAX_ERROR, tErr = VectorKernels.TANH_MAX_ERROR;
            double[] tolG = untouched(gates.length), tolC = untouched(c.length), tolT = untouched(tanhC.length);
            double[] tolS = untouched(state.length);
            for (int j = 0; j < n; j++) {
                tolG[gOff + j] = tolG[gOff + n + j] = tolG[gOff + 3 * n + j] = sErr;
                tolG[gOff + 2 * n + j] = tErr;
                double cTol = Math.abs(cPrev[cpOff + j]) * sErr + sErr + tErr + 4 * EPS * (1 + Math.abs(ref[1][cOff + j]));
                tolC[cOff + j] = cTol;
                tolS[sOff + n + j] = cTol;
                tolT[tOff + j] = cTol + tErr;
                tolS[sOff + j] = cTol + tErr + sErr + 2 * EPS;
            }
            assertClose("lstmPointwise gates n=" + n + " seed=" + seed, gates, ref[0], fused[0], tolG);
            assertClose("lstmPointwise c n=" + n + " seed=" + seed, c, ref[1], fused[1], tolC);
            assertClose("lstmPointwise tanhC n=" + n + " seed=" + seed, tanhC, ref[2], fused[2], tolT);
            assertClose("lstmPointwise state n=" + n + " seed=" + seed, state, ref[3], fused[3], tolS);
        }
    }

    /** Every float step of 2^-17 in [-30, 30] (about 7.9 million points) plus the special values. */
    private static float[] activationSweep() {
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
                1e-30f, -1e-30f, 1e-7f, -1e-7f, 9.1f, -9.1f, 9.100001f, -9.100001f, 87f, -87f, 87.00001f,
                -87.00001f, 88.7f, -88.7f, 89f, -104f, 1e10f, -1e10f, Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        int steps = 60 << 17;
        float[] a = new float[steps + 1 + special.length];
        for (int i = 0; i <= steps; i++) {
            a[i] = -30f + i * 0x1p-17f;
        }
        System.arraycopy(special, 0, a, steps + 1, special.length);
        return a;
    }

    @Test
    void sigmoidWithinStatedBoundOnDenseSweepAndSpecialValues() {
        float[] in = activationSweep();
        float[] out = in.clone();
        VEC.sigmoid(out, 0, out.length);
        for (int i = 0; i < in.length; i++) {
            float x = in[i];
            double ref = 1.0 / (1.0 + Math.exp(-x));
            if (Float.isNaN(x)) {
                assertTrue(Float.isNaN(out[i]), "sigmoid(NaN) = " + out[i]);
            } else if (!(Math.abs(out[i] - ref) <= VectorKernels.SIGMOID_MAX_ERROR)) {
                fail("sigmoid(" + x + ") = " + out[i] + ", reference " + ref);
            }
        }
    }

    @Test
    void tanhWithinStatedBoundOnDenseSweepAndSpecialValues() {
        float[] in = activationSweep();
        float[] out = in.clone();
        VEC.tanh(out, 0, out.length);
        for (int i = 0; i < in.length; i++) {
            float x = in[i];
            double ref = Math.tanh(x);
            if (Float.isNaN(x)) {
                assertTrue(Float.isNaN(out[i]), "tanh(NaN) = " + out[i]);
            } else if (!(Math.abs(out[i] - ref) <= VectorKernels.TANH_MAX_ERROR)) {
                fail("tanh(" + x + ") = " + out[i] + ", reference " + ref);
            }
        }
        float[] zeros = {0f, -0f};
        VEC.tanh(zeros, 0, 2);
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(zeros[0]), "tanh(+0)");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(zeros[1]), "tanh(-0)");
    }

    @Test
    void shapeErrorsNameTheSizes() {
        float[] w = new float[100], x = new float[10], y = new float[10];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VEC.gemv(w, 0, 10, 10, 11, x, 0, y, 0));
        assertTrue(e.getMessage().contains("10x11"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VEC.gemv(w, 0, 8, 10, 5, x, 0, y, 0));
        assertTrue(e.getMessage().contains("8") && e.getMessage().contains("10"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VEC.gemv(w, 0, 10, 10, 5, x, 6, y, 0));
        assertTrue(e.getMessage().contains("[6, 11)") && e.getMessage().contains("10"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VEC.dot(x, 0, y, 3, 8));
        assertTrue(e.getMessage().contains("[3, 11)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VEC.gemm(w, 0, 10, 10, 5, x, 0, 4, new float[100], 0, 10, 2));
        assertTrue(e.getMessage().contains("stride 4") && e.getMessage().contains("5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VEC.gemm(w, 0, 10, 10, 5, new float[100], 0, 5, y, 0, 10, 2));
        assertTrue(e.getMessage().contains("[0, 20)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VEC.tanh(x, -1, 2));
        assertTrue(e.getMessage().contains("[-1, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VEC.gemvTransposed(w, 0, 10, 10, 10, x, 0, new float[9], 0));
        assertTrue(e.getMessage().contains("length 9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VEC.addOuter(w, 0, 10, -1, 3, x, 0, y, 0));
        assertTrue(e.getMessage().contains("-1x3"), e.getMessage());
    }

    @Test
    void nameCarriesTheVectorWidth() {
        assertEquals("vector-" + VectorKernels.S.vectorBitSize(), VEC.name());
    }

    /**
     * The build runs this class again with {@value VectorKernels#BITS_PROPERTY} = 256 and 512 (executions in
     * forecast-core's pom), so 8- and 16-lane blocks and tails are both exercised whatever this machine prefers; this
     * makes sure such a run really used the width it asked for rather than silently testing the preferred one.
     */
    @Test
    void runsAtTheSpeciesTheBuildAskedFor() {
        String bits = System.getProperty(VectorKernels.BITS_PROPERTY);
        if (bits == null || bits.isBlank()) {
            assertEquals(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED, VectorKernels.S);
        } else {
            assertEquals(Integer.parseInt(bits.strip()), VectorKernels.S.vectorBitSize());
            assertEquals(Integer.parseInt(bits.strip()) / Float.SIZE, LANES);
        }
        assertEquals(jdk.incubator.vector.FloatVector.SPECIES_128, VectorKernels.species(" 128 "));
        var e = assertThrows(IllegalArgumentException.class, () -> VectorKernels.species("300"));
        assertTrue(e.getMessage().contains("'300'"), e.getMessage());
    }
}
