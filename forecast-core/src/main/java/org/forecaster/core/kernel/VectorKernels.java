package org.forecaster.core.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD implementation of {@link Kernels} on the Vector API, at the platform's preferred width
 * ({@link FloatVector#SPECIES_PREFERRED}; 16 lanes with AVX-512), or at the width the system property
 * {@value #BITS_PROPERTY} names (64, 128, 256 or 512 bits), read once when the class loads. The property is for
 * tests and benchmarks: the build runs the kernel tests at 256 and 512 bits on any machine, since the Vector API
 * computes a species wider than the hardware's correctly, only slowly. Same contract, shapes and entry checks as
 * {@link ScalarKernels}; results differ from it only by rounding (sums are accumulated in another order) and,
 * for {@link #sigmoid} and {@link #tanh}, by the approximation error stated there.
 *
 * <p>Stateless and thread-safe: use {@link #INSTANCE}. Needs {@code --add-modules jdk.incubator.vector}; without
 * it, loading this class fails and {@link KernelsProvider} falls back to {@link ScalarKernels}.
 */
public final class VectorKernels implements Kernels {

    /** System property that overrides the preferred species width, in bits: {@value}. */
    public static final String BITS_PROPERTY = "forecast.kernels.bits";

    /**
     * Folded by the JIT into the vector width of this machine; never a hard-coded width. A static final (not an
     * instance field or a parameter) so that every kernel sees a constant species, which the Vector API intrinsics
     * need; that is why the override is a property read here and not a constructor argument.
     */
    static final VectorSpecies<Float> S = species(System.getProperty(BITS_PROPERTY));
    private static final int L = S.length();

    public static final VectorKernels INSTANCE = new VectorKernels();

    // exp reduction: x = k*ln2 + r, |r| <= ln2/2. ROUND = 1.5*2^23: adding it rounds to an integer that lands
    // in the low mantissa bits, so k needs no float-to-int conversion. LN2 split in two (Cody-Waite).
    private static final float LOG2E = 1.44269504088896341f;
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = 0x4B400000;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    // expm1(r) = r + r^2 * P(r) on |r| <= ln2/2 (Cephes expf minimax coefficients).
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;
    // Beyond these |x| the float result is exactly 1 (tanh) or 0/1 (sigmoid), and 2^k would leave the normal range.
    private static final float TANH_ONE = 9.1f;
    private static final float SIGMOID_SATURATE = 87f;

    /** Stated absolute error bound of {@link #sigmoid} against the exact value; the tests hold the kernel to it. */
    static final float SIGMOID_MAX_ERROR = 1e-7f;
    /** Stated absolute error bound of {@link #tanh} against the exact value; the tests hold the kernel to it. */
    static final float TANH_MAX_ERROR = 1.5e-7f;

    private VectorKernels() {}

    /** The species for a {@value #BITS_PROPERTY} value: the preferred one when unset or blank. */
    static VectorSpecies<Float> species(String bits) {
        if (bits == null || bits.isBlank()) {
            return FloatVector.SPECIES_PREFERRED;
        }
        return switch (bits.strip()) {
            case "64" -> FloatVector.SPECIES_64;
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException(
                    BITS_PROPERTY + " must be 64, 128, 256 or 512 (bits), got '" + bits + "'");
        };
    }

    // Lane i -> i + step: folding halves in a fixed tree gives the same sum whether the JIT has compiled
    // the code or not. reduceLanes(ADD) leaves the order unspecified, and its interpreted and intrinsic
    // orders differ, which made training results depend on JIT timing.
    private static final VectorShuffle<Float> FOLD_8 = VectorShuffle.fromOp(S, i -> (i + 8) % L);
    private static final VectorShuffle<Float> FOLD_4 = VectorShuffle.fromOp(S, i -> (i + 4) % L);
    private static final VectorShuffle<Float> FOLD_2 = VectorShuffle.fromOp(S, i -> (i + 2) % L);
    private static final VectorShuffle<Float> FOLD_1 = VectorShuffle.fromOp(S, i -> (i + 1) % L);

    /** Sum of the lanes in a fixed order (deterministic, unlike {@code reduceLanes(ADD)}). */
    static float sumLanes(FloatVector v) {
        if (L > 16) { // wider than any x86 or Arm species today: still deterministic, just slower
            float s = 0f;
            for (int i = 0; i < L; i++) {
                s += v.lane(i);
            }
            return s;
        }
        FloatVector t = v;
        if (L == 16) {
            t = t.add(t.rearrange(FOLD_8));
        }
        if (L >= 8) {
            t = t.add(t.rearrange(FOLD_4));
        }
        if (L >= 4) {
            t = t.add(t.rearrange(FOLD_2));
        }
        if (L >= 2) {
            t = t.add(t.rearrange(FOLD_1));
        }
        return t.lane(0);
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        Shapes.range(a, aOff, n, "dot a");
        Shapes.range(b, bOff, n, "dot b");
        return dot0(a, aOff, b, bOff, n);
    }

    private static float dot0(float[] a, int aOff, float[] b, int bOff, int n) {
        // Four independent chains hide the FMA latency.
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        FloatVector acc2 = FloatVector.zero(S), acc3 = FloatVector.zero(S);
        int i = 0;
        for (int bound4 = n - n % (4 * L); i < bound4; i += 4 * L) {
            acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
            acc1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), acc1);
            acc2 = FloatVector.fromArray(S, a, aOff + i + 2 * L).fma(FloatVector.fromArray(S, b, bOff + i + 2 * L), acc2);
            acc3 = FloatVector.fromArray(S, a, aOff + i + 3 * L).fma(FloatVector.fromArray(S, b, bOff + i + 3 * L), acc3);
        }
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
        }
        float sum = sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < n; i++) {
            sum = Math.fma(a[aOff + i], b[bOff + i], sum);
        }
        return sum;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        Shapes.range(x, xOff, n, "axpy x");
        Shapes.range(y, yOff, n, "axpy y");
        axpy0(alpha, x, xOff, y, yOff, n);
    }

    private static void axpy0(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Blocks of {@code 4 * lanes} rows keep their partial sums in registers over all inputs and touch
     * {@code y} once; the last rows (fewer than a block) go one masked vector at a time.
     */
    @Override
    public void gemv(float[] w, int wOff, int ld, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        Shapes.matrix(w, wOff, ld, rows, cols);
        Shapes.range(x, xOff, cols, "gemv x");
        Shapes.range(y, yOff, rows, "gemv y");
        gemv0(w, wOff, ld, rows, cols, x, xOff, y, yOff);
    }

    private static void gemv0(float[] w, int wOff, int ld, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        int r = 0;
        for (int bound = rows - rows % (4 * L); r < bound; r += 4 * L) {
            gemvBlock(w, wOff + r, ld, cols, x, xOff, y, yOff + r);
        }
        for (; r < rows; r += L) {
            gemvVector(w, wOff + r, ld, cols, x, xOff, y, yOff + r, rows - r);
        }
    }

    /** 4 output vectors; inputs taken two at a time so 8 chains hide the FMA latency. */
    private static void gemvBlock(float[] w, int w0, int ld, int cols, float[] x, int xOff, float[] y, int y0) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        int c = 0;
        for (; c + 1 < cols; c += 2) {
            int i = w0 + c * ld, j = i + ld;
            FloatVector xc = FloatVector.broadcast(S, x[xOff + c]);
            FloatVector xd = FloatVector.broadcast(S, x[xOff + c + 1]);
            a0 = FloatVector.fromArray(S, w, i).fma(xc, a0);
            a1 = FloatVector.fromArray(S, w, i + L).fma(xc, a1);
            a2 = FloatVector.fromArray(S, w, i + 2 * L).fma(xc, a2);
            a3 = FloatVector.fromArray(S, w, i + 3 * L).fma(xc, a3);
            b0 = FloatVector.fromArray(S, w, j).fma(xd, b0);
            b1 = FloatVector.fromArray(S, w, j + L).fma(xd, b1);
            b2 = FloatVector.fromArray(S, w, j + 2 * L).fma(xd, b2);
            b3 = FloatVector.fromArray(S, w, j + 3 * L).fma(xd, b3);
        }
        if (c < cols) {
            int i = w0 + c * ld;
            FloatVector xc = FloatVector.broadcast(S, x[xOff + c]);
            a0 = FloatVector.fromArray(S, w, i).fma(xc, a0);
            a1 = FloatVector.fromArray(S, w, i + L).fma(xc, a1);
            a2 = FloatVector.fromArray(S, w, i + 2 * L).fma(xc, a2);
            a3 = FloatVector.fromArray(S, w, i + 3 * L).fma(xc, a3);
        }
        FloatVector.fromArray(S, y, y0).add(a0.add(b0)).intoArray(y, y0);
        FloatVector.fromArray(S, y, y0 + L).add(a1.add(b1)).intoArray(y, y0 + L);
        FloatVector.fromArray(S, y, y0 + 2 * L).add(a2.add(b2)).intoArray(y, y0 + 2 * L);
        FloatVector.fromArray(S, y, y0 + 3 * L).add(a3.add(b3)).intoArray(y, y0 + 3 * L);
    }

    /** One output vector of which the first {@code valid} rows exist; inputs four at a time for 4 chains. */
    private static void gemvVector(float[] w, int w0, int ld, int cols, float[] x, int xOff, float[] y, int y0,
                                   int valid) {
        VectorMask<Float> m = S.indexInRange(0, valid);
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int c = 0;
        for (; c + 3 < cols; c += 4) {
            int i = w0 + c * ld;
            a0 = FloatVector.fromArray(S, w, i, m).fma(FloatVector.broadcast(S, x[xOff + c]), a0);
            a1 = FloatVector.fromArray(S, w, i + ld, m).fma(FloatVector.broadcast(S, x[xOff + c + 1]), a1);
            a2 = FloatVector.fromArray(S, w, i + 2 * ld, m).fma(FloatVector.broadcast(S, x[xOff + c + 2]), a2);
            a3 = FloatVector.fromArray(S, w, i + 3 * ld, m).fma(FloatVector.broadcast(S, x[xOff + c + 3]), a3);
        }
        for (; c < cols; c++) {
            a0 = FloatVector.fromArray(S, w, w0 + c * ld, m).fma(FloatVector.broadcast(S, x[xOff + c]), a0);
        }
        FloatVector.fromArray(S, y, y0, m).add(a0.add(a1).add(a2.add(a3))).intoArray(y, y0, m);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Register-blocked over 6 keys and {@code 4 * lanes} rows: 24 accumulators, each weight vector loaded
     * once per input and used for all 6 keys. Row blocks are the outer loop so a block's weights stay in L1
     * while all keys pass over them. Leftover keys go 4 at a time, then one at a time; leftover rows one
     * masked vector at a time.
     */
    @Override
    public void gemm(float[] w, int wOff, int ld, int rows, int cols,
                     float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, int batch) {
        Shapes.matrix(w, wOff, ld, rows, cols);
        Shapes.batched(x, xOff, ldx, cols, batch, "gemm x");
        Shapes.batched(y, yOff, ldy, rows, batch, "gemm y");
        int r = 0;
        for (int bound = rows - rows % (4 * L); r < bound; r += 4 * L) {
            int b = 0;
            for (; b + 5 < batch; b += 6) {
                gemmBlock6(w, wOff + r, ld, cols, x, xOff + b * ldx, ldx, y, yOff + b * ldy + r, ldy);
            }
            for (; b + 3 < batch; b += 4) {
                gemmBlock4(w, wOff + r, ld, cols, x, xOff + b * ldx, ldx, y, yOff + b * ldy + r, ldy);
            }
            for (; b < batch; b++) {
                gemvBlock(w, wOff + r, ld, cols, x, xOff + b * ldx, y, yOff + b * ldy + r);
            }
        }
        for (; r < rows; r += L) {
            int b = 0;
            for (; b + 3 < batch; b += 4) {
                gemmVector(w, wOff + r, ld, cols, x, xOff + b * ldx, ldx, y, yOff + b * ldy + r, ldy, rows - r);
            }
            for (; b < batch; b++) {
                gemvVector(w, wOff + r, ld, cols, x, xOff + b * ldx, y, yOff + b * ldy + r, rows - r);
            }
        }
    }

    /**
     * 6 keys x 4 output vectors: 24 accumulators + 4 weights + 1 broadcast fit the 32 AVX-512 registers, and
     * 24 FMAs per 4 weight loads and 6 broadcasts keep the FMA ports busier than 4 keys do (measured).
     */
    private static void gemmBlock6(float[] w, int w0, int ld, int cols, float[] x, int x0, int ldx,
                                   float[] y, int y0, int ldy) {
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a02 = FloatVector.zero(S), a03 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S), a12 = FloatVector.zero(S), a13 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S), a22 = FloatVector.zero(S), a23 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S), a32 = FloatVector.zero(S), a33 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S), a41 = FloatVector.zero(S), a42 = FloatVector.zero(S), a43 = FloatVector.zero(S);
        FloatVector a50 = FloatVector.zero(S), a51 = FloatVector.zero(S), a52 = FloatVector.zero(S), a53 = FloatVector.zero(S);
        int x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx, x4 = x3 + ldx, x5 = x4 + ldx;
        // Everything stays in this one method: a helper taking vectors was not inlined into this large body
        // and the JIT boxed every vector on the heap (over 20x slower).
        for (int c = 0; c < cols; c++) {
            int i = w0 + c * ld;
            FloatVector w0v = FloatVector.fromArray(S, w, i);
            FloatVector w1v = FloatVector.fromArray(S, w, i + L);
            FloatVector w2v = FloatVector.fromArray(S, w, i + 2 * L);
            FloatVector w3v = FloatVector.fromArray(S, w, i + 3 * L);
            FloatVector xb = FloatVector.broadcast(S, x[x0 + c]);
            a00 = w0v.fma(xb, a00);
            a01 = w1v.fma(xb, a01);
            a02 = w2v.fma(xb, a02);
            a03 = w3v.fma(xb, a03);
            xb = FloatVector.broadcast(S, x[x1 + c]);
            a10 = w0v.fma(xb, a10);
            a11 = w1v.fma(xb, a11);
            a12 = w2v.fma(xb, a12);
            a13 = w3v.fma(xb, a13);
            xb = FloatVector.broadcast(S, x[x2 + c]);
            a20 = w0v.fma(xb, a20);
            a21 = w1v.fma(xb, a21);
            a22 = w2v.fma(xb, a22);
            a23 = w3v.fma(xb, a23);
            xb = FloatVector.broadcast(S, x[x3 + c]);
            a30 = w0v.fma(xb, a30);
            a31 = w1v.fma(xb, a31);
            a32 = w2v.fma(xb, a32);
            a33 = w3v.fma(xb, a33);
            xb = FloatVector.broadcast(S, x[x4 + c]);
            a40 = w0v.fma(xb, a40);
            a41 = w1v.fma(xb, a41);
            a42 = w2v.fma(xb, a42);
            a43 = w3v.fma(xb, a43);
            xb = FloatVector.broadcast(S, x[x5 + c]);
            a50 = w0v.fma(xb, a50);
            a51 = w1v.fma(xb, a51);
            a52 = w2v.fma(xb, a52);
            a53 = w3v.fma(xb, a53);
        }
        FloatVector.fromArray(S, y, y0).add(a00).intoArray(y, y0);
        FloatVector.fromArray(S, y, y0 + L).add(a01).intoArray(y, y0 + L);
        FloatVector.fromArray(S, y, y0 + 2 * L).add(a02).intoArray(y, y0 + 2 * L);
        FloatVector.fromArray(S, y, y0 + 3 * L).add(a03).intoArray(y, y0 + 3 * L);
        FloatVector.fromArray(S, y, y0 + ldy).add(a10).intoArray(y, y0 + ldy);
        FloatVector.fromArray(S, y, y0 + ldy + L).add(a11).intoArray(y, y0 + ldy + L);
        FloatVector.fromArray(S, y, y0 + ldy + 2 * L).add(a12).intoArray(y, y0 + ldy + 2 * L);
        FloatVector.fromArray(S, y, y0 + ldy + 3 * L).add(a13).intoArray(y, y0 + ldy + 3 * L);
        FloatVector.fromArray(S, y, y0 + 2 * ldy).add(a20).intoArray(y, y0 + 2 * ldy);
        FloatVector.fromArray(S, y, y0 + 2 * ldy + L).add(a21).intoArray(y, y0 + 2 * ldy + L);
        FloatVector.fromArray(S, y, y0 + 2 * ldy + 2 * L).add(a22).intoArray(y, y0 + 2 * ldy + 2 * L);
        FloatVector.fromArray(S, y, y0 + 2 * ldy + 3 * L).add(a23).intoArray(y, y0 + 2 * ldy + 3 * L);
        FloatVector.fromArray(S, y, y0 + 3 * ldy).add(a30).intoArray(y, y0 + 3 * ldy);
        FloatVector.fromArray(S, y, y0 + 3 * ldy + L).add(a31).intoArray(y, y0 + 3 * ldy + L);
        FloatVector.fromArray(S, y, y0 + 3 * ldy + 2 * L).add(a32).intoArray(y, y0 + 3 * ldy + 2 * L);
        FloatVector.fromArray(S, y, y0 + 3 * ldy + 3 * L).add(a33).intoArray(y, y0 + 3 * ldy + 3 * L);
        FloatVector.fromArray(S, y, y0 + 4 * ldy).add(a40).intoArray(y, y0 + 4 * ldy);
        FloatVector.fromArray(S, y, y0 + 4 * ldy + L).add(a41).intoArray(y, y0 + 4 * ldy + L);
        FloatVector.fromArray(S, y, y0 + 4 * ldy + 2 * L).add(a42).intoArray(y, y0 + 4 * ldy + 2 * L);
        FloatVector.fromArray(S, y, y0 + 4 * ldy + 3 * L).add(a43).intoArray(y, y0 + 4 * ldy + 3 * L);
        FloatVector.fromArray(S, y, y0 + 5 * ldy).add(a50).intoArray(y, y0 + 5 * ldy);
        FloatVector.fromArray(S, y, y0 + 5 * ldy + L).add(a51).intoArray(y, y0 + 5 * ldy + L);
        FloatVector.fromArray(S, y, y0 + 5 * ldy + 2 * L).add(a52).intoArray(y, y0 + 5 * ldy + 2 * L);
        FloatVector.fromArray(S, y, y0 + 5 * ldy + 3 * L).add(a53).intoArray(y, y0 + 5 * ldy + 3 * L);
    }

    /** 4 keys x 4 output vectors, for the keys left over by blocks of 6. */
    private static void gemmBlock4(float[] w, int w0, int ld, int cols, float[] x, int x0, int ldx,
                                  float[] y, int y0, int ldy) {
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a02 = FloatVector.zero(S), a03 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S), a12 = FloatVector.zero(S), a13 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S), a22 = FloatVector.zero(S), a23 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S), a32 = FloatVector.zero(S), a33 = FloatVector.zero(S);
        int x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx;
        for (int c = 0; c < cols; c++) {
            int i = w0 + c * ld;
            FloatVector w0v = FloatVector.fromArray(S, w, i);
            FloatVector w1v = FloatVector.fromArray(S, w, i + L);
            FloatVector w2v = FloatVector.fromArray(S, w, i + 2 * L);
            FloatVector w3v = FloatVector.fromArray(S, w, i + 3 * L);
            FloatVector xb = FloatVector.broadcast(S, x[x0 + c]);
            a00 = w0v.fma(xb, a00);
            a01 = w1v.fma(xb, a01);
            a02 = w2v.fma(xb, a02);
            a03 = w3v.fma(xb, a03);
            xb = FloatVector.broadcast(S, x[x1 + c]);
            a10 = w0v.fma(xb, a10);
            a11 = w1v.fma(xb, a11);
            a12 = w2v.fma(xb, a12);
            a13 = w3v.fma(xb, a13);
            xb = FloatVector.broadcast(S, x[x2 + c]);
            a20 = w0v.fma(xb, a20);
            a21 = w1v.fma(xb, a21);
            a22 = w2v.fma(xb, a22);
            a23 = w3v.fma(xb, a23);
            xb = FloatVector.broadcast(S, x[x3 + c]);
            a30 = w0v.fma(xb, a30);
            a31 = w1v.fma(xb, a31);
            a32 = w2v.fma(xb, a32);
            a33 = w3v.fma(xb, a33);
        }
        FloatVector.fromArray(S, y, y0).add(a00).intoArray(y, y0);
        FloatVector.fromArray(S, y, y0 + L).add(a01).intoArray(y, y0 + L);
        FloatVector.fromArray(S, y, y0 + 2 * L).add(a02).intoArray(y, y0 + 2 * L);
        FloatVector.fromArray(S, y, y0 + 3 * L).add(a03).intoArray(y, y0 + 3 * L);
        FloatVector.fromArray(S, y, y0 + ldy).add(a10).intoArray(y, y0 + ldy);
        FloatVector.fromArray(S, y, y0 + ldy + L).add(a11).intoArray(y, y0 + ldy + L);
        FloatVector.fromArray(S, y, y0 + ldy + 2 * L).add(a12).intoArray(y, y0 + ldy + 2 * L);
        FloatVector.fromArray(S, y, y0 + ldy + 3 * L).add(a13).intoArray(y, y0 + ldy + 3 * L);
        FloatVector.fromArray(S, y, y0 + 2 * ldy).add(a20).intoArray(y, y0 + 2 * ldy);
        FloatVector.fromArray(S, y, y0 + 2 * ldy + L).add(a21).intoArray(y, y0 + 2 * ldy + L);
        FloatVector.fromArray(S, y, y0 + 2 * ldy + 2 * L).add(a22).intoArray(y, y0 + 2 * ldy + 2 * L);
        FloatVector.fromArray(S, y, y0 + 2 * ldy + 3 * L).add(a23).intoArray(y, y0 + 2 * ldy + 3 * L);
        FloatVector.fromArray(S, y, y0 + 3 * ldy).add(a30).intoArray(y, y0 + 3 * ldy);
        FloatVector.fromArray(S, y, y0 + 3 * ldy + L).add(a31).intoArray(y, y0 + 3 * ldy + L);
        FloatVector.fromArray(S, y, y0 + 3 * ldy + 2 * L).add(a32).intoArray(y, y0 + 3 * ldy + 2 * L);
        FloatVector.fromArray(S, y, y0 + 3 * ldy + 3 * L).add(a33).intoArray(y, y0 + 3 * ldy + 3 * L);
    }

    /** 4 keys x 1 output vector of which the first {@code valid} rows exist. */
    private static void gemmVector(float[] w, int w0, int ld, int cols, float[] x, int x0, int ldx,
                                   float[] y, int y0, int ldy, int valid) {
        VectorMask<Float> m = S.indexInRange(0, valid);
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx;
        for (int c = 0; c < cols; c++) {
            FloatVector wv = FloatVector.fromArray(S, w, w0 + c * ld, m);
            a0 = wv.fma(FloatVector.broadcast(S, x[x0 + c]), a0);
            a1 = wv.fma(FloatVector.broadcast(S, x[x1 + c]), a1);
            a2 = wv.fma(FloatVector.broadcast(S, x[x2 + c]), a2);
            a3 = wv.fma(FloatVector.broadcast(S, x[x3 + c]), a3);
        }
        int y1 = y0 + ldy, y2 = y1 + ldy, y3 = y2 + ldy;
        FloatVector.fromArray(S, y, y0, m).add(a0).intoArray(y, y0, m);
        FloatVector.fromArray(S, y, y1, m).add(a1).intoArray(y, y1, m);
        FloatVector.fromArray(S, y, y2, m).add(a2).intoArray(y, y2, m);
        FloatVector.fromArray(S, y, y3, m).add(a3).intoArray(y, y3, m);
    }

    /** Rows per panel: 4 vectors of the species, the height of the widest tile. */
    static final int PANEL = 4 * L;
    /**
     * Keys per block: the block's inputs (48 x (I+H) floats) stay in L1 while every panel passes over them once,
     * and each panel, once loaded, serves 8 tiles of 6 keys.
     */
    static final int KEY_BLOCK = 48;

    @Override
    public int panelRows() {
        return PANEL;
    }

    /**
     * {@inheritDoc}
     *
     * <p>For each block of {@value #KEY_BLOCK} keys and each panel: tiles of 6 keys, then the remaining keys one at a
     * time. With 32 vector registers ({@link #WIDE_TILE}) a panel whose rows all exist takes one 6 x 4 tile
     * ({@link #tile6x4}); other panels, and every panel on narrower species, two 6 x 2 tiles over its halves. A
     * 6 x 4 tile that also had masked stores was too big for C1's profiled tier ("out of virtual registers", issue
     * 18): HotSpot then ran it boxed, without the vector intrinsics, 15-100x slower, for seconds or for the whole
     * run; the one here has only plain stores and compiles at tier 3 (checked with {@code -XX:TieredStopAtLevel=3
     * -XX:+LogCompilation}). Every tile
     * starts from the packed bias and adds one FMA per input in order, so each output is computed exactly as
     * {@link ScalarKernels#gemmPacked} computes it.
     */
    @Override
    public void gemmPacked(PackedMatrix w, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, int batch) {
        if (w.panelRows() != PANEL) {
            throw new IllegalArgumentException("matrix packed in panels of " + w.panelRows() + " rows; " + name()
                    + " kernels read panels of " + PANEL + ": pack it with these kernels");
        }
        final int rows = w.rows(), cols = w.cols(), panelSize = (cols + 1) * PANEL;
        Shapes.batched(x, xOff, ldx, cols, batch, "gemmPacked x");
        Shapes.batched(y, yOff, ldy, rows, batch, "gemmPacked y");
        final float[] d = w.data;
        for (int kb = 0; kb < batch; kb += KEY_BLOCK) {
            final int kEnd = Math.min(batch, kb + KEY_BLOCK);
            for (int r0 = 0, base = 0; r0 < rows; r0 += PANEL, base += panelSize) {
                final int valid = rows - r0;
                int b = kb;
                if (WIDE_TILE && valid >= PANEL) {
                    for (; b + 5 < kEnd; b += 6) {
                        tile6x4(d, base, cols, x, xOff + b * ldx, ldx, y, yOff + b * ldy + r0, ldy);
                    }
                }
                for (; b + 5 < kEnd; b += 6) {
                    final int xb = xOff + b * ldx, yb = yOff + b * ldy + r0;
                    tile6x2(d, base, cols, x, xb, ldx, y, yb, ldy, valid);
                    if (valid > 2 * L) {
                        tile6x2(d, base + 2 * L, cols, x, xb, ldx, y, yb + 2 * L, ldy, valid - 2 * L);
                    }
                }
                for (; b < kEnd; b++) {
                    tile1x4(d, base, cols, x, xOff + b * ldx, y, yOff + b * ldy + r0, valid);
                }
            }
        }
    }

    /**
     * Whether full panels take {@link #tile6x4}: with 32 vector registers (AVX-512) its 24 accumulators, 4 weights and
     * a broadcast fit; with 16 (AVX2 and narrower) they would spill, so there the 6 x 2 tiles do all panels.
     */
    static final boolean WIDE_TILE = S.vectorBitSize() >= 512;

    /**
     * 6 keys x a full panel (4 vectors): 24 FMAs per 4 weight loads and 6 broadcasts, where two 6 x 2 tiles need 16
     * loads. Only for panels whose rows all exist, so its stores are plain: the 6 x 4 tile that had a masked copy of
     * its stores too (or only masked ones) was too big for C1's profiled tier (issue 18); this one, like
     * {@code gemmBlock6}, is not.
     */
    private static void tile6x4(float[] d, int wBase, int cols, float[] x, int x0, int ldx, float[] y, int y0, int ldy) {
        final FloatVector bias0 = FloatVector.fromArray(S, d, wBase);
        final FloatVector bias1 = FloatVector.fromArray(S, d, wBase + L);
        final FloatVector bias2 = FloatVector.fromArray(S, d, wBase + 2 * L);
        final FloatVector bias3 = FloatVector.fromArray(S, d, wBase + 3 * L);
        FloatVector a00 = bias0, a01 = bias1, a02 = bias2, a03 = bias3;
        FloatVector a10 = bias0, a11 = bias1, a12 = bias2, a13 = bias3;
        FloatVector a20 = bias0, a21 = bias1, a22 = bias2, a23 = bias3;
        FloatVector a30 = bias0, a31 = bias1, a32 = bias2, a33 = bias3;
        FloatVector a40 = bias0, a41 = bias1, a42 = bias2, a43 = bias3;
        FloatVector a50 = bias0, a51 = bias1, a52 = bias2, a53 = bias3;
        final int x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx, x4 = x3 + ldx, x5 = x4 + ldx;
        for (int c = 0, wi = wBase + PANEL; c < cols; c++, wi += PANEL) {
            final FloatVector w0 = FloatVector.fromArray(S, d, wi);
            final FloatVector w1 = FloatVector.fromArray(S, d, wi + L);
            final FloatVector w2 = FloatVector.fromArray(S, d, wi + 2 * L);
            final FloatVector w3 = FloatVector.fromArray(S, d, wi + 3 * L);
            FloatVector xb;
            xb = FloatVector.broadcast(S, x[x0 + c]);
            a00 = w0.fma(xb, a00);
            a01 = w1.fma(xb, a01);
            a02 = w2.fma(xb, a02);
            a03 = w3.fma(xb, a03);
            xb = FloatVector.broadcast(S, x[x1 + c]);
            a10 = w0.fma(xb, a10);
            a11 = w1.fma(xb, a11);
            a12 = w2.fma(xb, a12);
            a13 = w3.fma(xb, a13);
            xb = FloatVector.broadcast(S, x[x2 + c]);
            a20 = w0.fma(xb, a20);
            a21 = w1.fma(xb, a21);
            a22 = w2.fma(xb, a22);
            a23 = w3.fma(xb, a23);
            xb = FloatVector.broadcast(S, x[x3 + c]);
            a30 = w0.fma(xb, a30);
            a31 = w1.fma(xb, a31);
            a32 = w2.fma(xb, a32);
            a33 = w3.fma(xb, a33);
            xb = FloatVector.broadcast(S, x[x4 + c]);
            a40 = w0.fma(xb, a40);
            a41 = w1.fma(xb, a41);
            a42 = w2.fma(xb, a42);
            a43 = w3.fma(xb, a43);
            xb = FloatVector.broadcast(S, x[x5 + c]);
            a50 = w0.fma(xb, a50);
            a51 = w1.fma(xb, a51);
            a52 = w2.fma(xb, a52);
            a53 = w3.fma(xb, a53);
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + L);
        a02.intoArray(y, y0 + 2 * L);
        a03.intoArray(y, y0 + 3 * L);
        a10.intoArray(y, y0 + ldy);
        a11.intoArray(y, y0 + ldy + L);
        a12.intoArray(y, y0 + ldy + 2 * L);
        a13.intoArray(y, y0 + ldy + 3 * L);
        a20.intoArray(y, y0 + 2 * ldy);
        a21.intoArray(y, y0 + 2 * ldy + L);
        a22.intoArray(y, y0 + 2 * ldy + 2 * L);
        a23.intoArray(y, y0 + 2 * ldy + 3 * L);
        a30.intoArray(y, y0 + 3 * ldy);
        a31.intoArray(y, y0 + 3 * ldy + L);
        a32.intoArray(y, y0 + 3 * ldy + 2 * L);
        a33.intoArray(y, y0 + 3 * ldy + 3 * L);
        a40.intoArray(y, y0 + 4 * ldy);
        a41.intoArray(y, y0 + 4 * ldy + L);
        a42.intoArray(y, y0 + 4 * ldy + 2 * L);
        a43.intoArray(y, y0 + 4 * ldy + 3 * L);
        a50.intoArray(y, y0 + 5 * ldy);
        a51.intoArray(y, y0 + 5 * ldy + L);
        a52.intoArray(y, y0 + 5 * ldy + 2 * L);
        a53.intoArray(y, y0 + 5 * ldy + 3 * L);
    }

    /** 6 keys x 2 vectors (half a panel): 12 accumulators + 2 weights + 1 broadcast fit the 16 AVX2 registers, and C1 compiles it. */
    private static void tile6x2(float[] d, int wBase, int cols, float[] x, int x0, int ldx, float[] y, int y0,
                                int ldy, int valid) {
        final FloatVector bias0 = FloatVector.fromArray(S, d, wBase);
        final FloatVector bias1 = FloatVector.fromArray(S, d, wBase + L);
        FloatVector a00 = bias0, a01 = bias1;
        FloatVector a10 = bias0, a11 = bias1;
        FloatVector a20 = bias0, a21 = bias1;
        FloatVector a30 = bias0, a31 = bias1;
        FloatVector a40 = bias0, a41 = bias1;
        FloatVector a50 = bias0, a51 = bias1;
        final int x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx, x4 = x3 + ldx, x5 = x4 + ldx;
        for (int c = 0, wi = wBase + PANEL; c < cols; c++, wi += PANEL) {
            final FloatVector w0 = FloatVector.fromArray(S, d, wi);
            final FloatVector w1 = FloatVector.fromArray(S, d, wi + L);
            FloatVector xb = FloatVector.broadcast(S, x[x0 + c]);
            a00 = w0.fma(xb, a00);
            a01 = w1.fma(xb, a01);
            xb = FloatVector.broadcast(S, x[x1 + c]);
            a10 = w0.fma(xb, a10);
            a11 = w1.fma(xb, a11);
            xb = FloatVector.broadcast(S, x[x2 + c]);
            a20 = w0.fma(xb, a20);
            a21 = w1.fma(xb, a21);
            xb = FloatVector.broadcast(S, x[x3 + c]);
            a30 = w0.fma(xb, a30);
            a31 = w1.fma(xb, a31);
            xb = FloatVector.broadcast(S, x[x4 + c]);
            a40 = w0.fma(xb, a40);
            a41 = w1.fma(xb, a41);
            xb = FloatVector.broadcast(S, x[x5 + c]);
            a50 = w0.fma(xb, a50);
            a51 = w1.fma(xb, a51);
        }
        if (valid >= 2 * L) {
            a00.intoArray(y, y0);
            a01.intoArray(y, y0 + L);
            a10.intoArray(y, y0 + ldy);
            a11.intoArray(y, y0 + ldy + L);
            a20.intoArray(y, y0 + 2 * ldy);
            a21.intoArray(y, y0 + 2 * ldy + L);
            a30.intoArray(y, y0 + 3 * ldy);
            a31.intoArray(y, y0 + 3 * ldy + L);
            a40.intoArray(y, y0 + 4 * ldy);
            a41.intoArray(y, y0 + 4 * ldy + L);
            a50.intoArray(y, y0 + 5 * ldy);
            a51.intoArray(y, y0 + 5 * ldy + L);
        } else { // the last panel: only the rows that exist
            final VectorMask<Float> m0 = S.indexInRange(0, valid);
            final VectorMask<Float> m1 = S.indexInRange(L, valid);
            a00.intoArray(y, y0, m0);
            a01.intoArray(y, y0 + L, m1);
            a10.intoArray(y, y0 + ldy, m0);
            a11.intoArray(y, y0 + ldy + L, m1);
            a20.intoArray(y, y0 + 2 * ldy, m0);
            a21.intoArray(y, y0 + 2 * ldy + L, m1);
            a30.intoArray(y, y0 + 3 * ldy, m0);
            a31.intoArray(y, y0 + 3 * ldy + L, m1);
            a40.intoArray(y, y0 + 4 * ldy, m0);
            a41.intoArray(y, y0 + 4 * ldy + L, m1);
            a50.intoArray(y, y0 + 5 * ldy, m0);
            a51.intoArray(y, y0 + 5 * ldy + L, m1);
        }
    }

    /** 1 key x 4 vectors: a batch's leftover keys and the single-key step; 4 chains, since splitting a key's sum would change its rounding. */
    private static void tile1x4(float[] d, int wBase, int cols, float[] x, int x0, float[] y, int y0, int valid) {
        final FloatVector bias0 = FloatVector.fromArray(S, d, wBase);
        final FloatVector bias1 = FloatVector.fromArray(S, d, wBase + L);
        final FloatVector bias2 = FloatVector.fromArray(S, d, wBase + 2 * L);
        final FloatVector bias3 = FloatVector.fromArray(S, d, wBase + 3 * L);
        FloatVector a00 = bias0, a01 = bias1, a02 = bias2, a03 = bias3;
        for (int c = 0, wi = wBase + PANEL; c < cols; c++, wi += PANEL) {
            final FloatVector w0 = FloatVector.fromArray(S, d, wi);
            final FloatVector w1 = FloatVector.fromArray(S, d, wi + L);
            final FloatVector w2 = FloatVector.fromArray(S, d, wi + 2 * L);
            final FloatVector w3 = FloatVector.fromArray(S, d, wi + 3 * L);
            FloatVector xb = FloatVector.broadcast(S, x[x0 + c]);
            a00 = w0.fma(xb, a00);
            a01 = w1.fma(xb, a01);
            a02 = w2.fma(xb, a02);
            a03 = w3.fma(xb, a03);
        }
        if (valid >= 4 * L) {
            a00.intoArray(y, y0);
            a01.intoArray(y, y0 + L);
            a02.intoArray(y, y0 + 2 * L);
            a03.intoArray(y, y0 + 3 * L);
        } else { // the last panel: only the rows that exist
            final VectorMask<Float> m0 = S.indexInRange(0, valid);
            final VectorMask<Float> m1 = S.indexInRange(L, valid);
            final VectorMask<Float> m2 = S.indexInRange(2 * L, valid);
            final VectorMask<Float> m3 = S.indexInRange(3 * L, valid);
            a00.intoArray(y, y0, m0);
            a01.intoArray(y, y0 + L, m1);
            a02.intoArray(y, y0 + 2 * L, m2);
            a03.intoArray(y, y0 + 3 * L, m3);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Four inputs at a time share each load of {@code dy}; leftover inputs use a plain dot product.
     */
    @Override
    public void gemvTransposed(float[] w, int wOff, int ld, int rows, int cols,
                               float[] dy, int dyOff, float[] x, int xOff) {
        Shapes.matrix(w, wOff, ld, rows, cols);
        Shapes.range(dy, dyOff, rows, "gemvTransposed dy");
        Shapes.range(x, xOff, cols, "gemvTransposed x");
        int c = 0;
        for (; c + 3 < cols; c += 4) {
            gemvTransposedBlock(w, wOff + c * ld, ld, rows, dy, dyOff, x, xOff + c);
        }
        for (; c < cols; c++) {
            x[xOff + c] += dot0(w, wOff + c * ld, dy, dyOff, rows);
        }
    }

    /** 4 inputs; rows two vectors at a time so 8 chains hide the FMA latency, the last partial vector masked. */
    private static void gemvTransposedBlock(float[] w, int w0, int ld, int rows, float[] dy, int dyOff,
                                            float[] x, int x0) {
        int w1 = w0 + ld, w2 = w1 + ld, w3 = w2 + ld;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
        int r = 0;
        for (int bound = rows - rows % (2 * L); r < bound; r += 2 * L) {
            FloatVector d0 = FloatVector.fromArray(S, dy, dyOff + r);
            FloatVector d1 = FloatVector.fromArray(S, dy, dyOff + r + L);
            a0 = FloatVector.fromArray(S, w, w0 + r).fma(d0, a0);
            a1 = FloatVector.fromArray(S, w, w1 + r).fma(d0, a1);
            a2 = FloatVector.fromArray(S, w, w2 + r).fma(d0, a2);
            a3 = FloatVector.fromArray(S, w, w3 + r).fma(d0, a3);
            b0 = FloatVector.fromArray(S, w, w0 + r + L).fma(d1, b0);
            b1 = FloatVector.fromArray(S, w, w1 + r + L).fma(d1, b1);
            b2 = FloatVector.fromArray(S, w, w2 + r + L).fma(d1, b2);
            b3 = FloatVector.fromArray(S, w, w3 + r + L).fma(d1, b3);
        }
        for (; r < rows; r += L) {
            VectorMask<Float> m = S.indexInRange(r, rows);
            FloatVector d = FloatVector.fromArray(S, dy, dyOff + r, m);
            a0 = FloatVector.fromArray(S, w, w0 + r, m).fma(d, a0);
            a1 = FloatVector.fromArray(S, w, w1 + r, m).fma(d, a1);
            a2 = FloatVector.fromArray(S, w, w2 + r, m).fma(d, a2);
            a3 = FloatVector.fromArray(S, w, w3 + r, m).fma(d, a3);
        }
        x[x0] += sumLanes(a0.add(b0));
        x[x0 + 1] += sumLanes(a1.add(b1));
        x[x0 + 2] += sumLanes(a2.add(b2));
        x[x0 + 3] += sumLanes(a3.add(b3));
    }

    @Override
    public void addOuter(float[] w, int wOff, int ld, int rows, int cols, float[] x, int xOff, float[] dy, int dyOff) {
        Shapes.matrix(w, wOff, ld, rows, cols);
        Shapes.range(x, xOff, cols, "addOuter x");
        Shapes.range(dy, dyOff, rows, "addOuter dy");
        for (int c = 0; c < cols; c++) {
            axpy0(x[xOff + c], dy, dyOff, w, wOff + c * ld, rows);
        }
    }

    @Override
    public void hadamard(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        Shapes.range(a, aOff, n, "hadamard a");
        Shapes.range(b, bOff, n, "hadamard b");
        Shapes.range(out, outOff, n, "hadamard out");
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Computed as {@code 1/(1+e)} or {@code e/(1+e)} with {@code e = exp(-|x|)} from a range-reduced
     * polynomial. Absolute error at most {@value #SIGMOID_MAX_ERROR}, measured over all 2^32 floats: 8.9e-8
     * against the exact {@code 1/(1+exp(-x))}, 6.0e-8 (one ulp of 0.5..1) against the float-rounded
     * {@link ScalarKernels#sigmoid}. Exactly 0 or 1 for {@code |x| > 87} and {@code ±inf}; NaN stays NaN.
     */
    @Override
    public void sigmoid(float[] a, int off, int n) {
        Shapes.range(a, off, n, "sigmoid");
        // One masked loop with the whole formula written out, no vector-valued helper methods: inside the large
        // LSTM step the JIT stops inlining such helpers and then boxes every vector on the heap.
        final FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = off, end = off + n; i < end; i += L) {
            VectorMask<Float> mask = S.indexInRange(i, end);
            FloatVector x = FloatVector.fromArray(S, a, i, mask);
            FloatVector ax = x.abs();
            FloatVector y = ax.neg();
            // y = k*ln2 + r; e = 2^k * (1 + expm1(r)), expm1(r) = r + r^2 * P(r)
            FloatVector t = y.fma(LOG2E, ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), y);
            r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(P0, P1);
            p = p.fma(r, FloatVector.broadcast(S, P2));
            p = p.fma(r, FloatVector.broadcast(S, P3));
            p = p.fma(r, FloatVector.broadcast(S, P4));
            p = p.fma(r, FloatVector.broadcast(S, P5));
            FloatVector pm1 = p.fma(r.mul(r), r);
            FloatVector sc = t.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = sc.fma(pm1, sc);
            // Past the saturation point 2^k is garbage (and for NaN compare is false, so NaN flows through).
            e = e.blend(0f, ax.compare(VectorOperators.GT, SIGMOID_SATURATE));
            FloatVector q = one.div(e.add(1f));
            // For x < 0, e/(1+e) keeps the relative accuracy that 1 - q would lose.
            q.blend(e.mul(q), x.compare(VectorOperators.LT, 0f)).intoArray(a, i, mask);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Computed as {@code -m/(m+2)} with {@code m = expm1(-2|x|)} from a range-reduced polynomial, sign
     * restored, so it stays accurate near 0. Absolute error at most {@value #TANH_MAX_ERROR}, measured over all
     * 2^32 floats: 1.49e-7 against the exact tanh, 1.19e-7 (one ulp of 1) against the float-rounded
     * {@link ScalarKernels#tanh}. Exactly ±1 for {@code |x| > 9.1} and {@code ±inf}; NaN stays NaN; the sign
     * of zero is kept.
     */
    @Override
    public void tanh(float[] a, int off, int n) {
        Shapes.range(a, off, n, "tanh");
        // Written out in one masked loop for the same inlining reason as sigmoid.
        for (int i = off, end = off + n; i < end; i += L) {
            VectorMask<Float> mask = S.indexInRange(i, end);
            FloatVector x = FloatVector.fromArray(S, a, i, mask);
            FloatVector ax = x.abs();
            FloatVector y = ax.mul(-2f);
            // y = k*ln2 + r; expm1(y) = 2^k * expm1(r) + (2^k - 1), exact enough near 0 where k = 0
            FloatVector t = y.fma(LOG2E, ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), y);
            r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector p = r.fma(P0, P1);
            p = p.fma(r, FloatVector.broadcast(S, P2));
            p = p.fma(r, FloatVector.broadcast(S, P3));
            p = p.fma(r, FloatVector.broadcast(S, P4));
            p = p.fma(r, FloatVector.broadcast(S, P5));
            FloatVector pm1 = p.fma(r.mul(r), r);
            FloatVector sc = t.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector m = sc.fma(pm1, sc.sub(1f));
            // m <= 0 < m + 2, so the quotient is -tanh|x|; abs rather than neg so that x = +0 gives +0.
            FloatVector th = m.div(m.add(2f)).abs();
            // Past 9.1 tanh rounds to 1f and 2^k is garbage; NaN compares false and stays NaN.
            th = th.blend(1f, ax.compare(VectorOperators.GT, TANH_ONE));
            IntVector sign = x.reinterpretAsInts().and(0x80000000);
            th.reinterpretAsInts().or(sign).reinterpretAsFloats().intoArray(a, i, mask);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Two loops over the key's vectors instead of ten kernel calls: {@code lstmCellPass} (i, f, g and the cell
     * update) and {@code lstmOutputPass} (o, tanh(c), h), each vector's values in registers between the steps, with
     * the same formulas and rounding as {@link #sigmoid}, {@link #tanh} and the products, so the bits equal the
     * default's calls (tested). The formulas are written out, not in vector-valued helper methods (which the JIT may
     * leave un-inlined and then box); two methods, not one, so that each stays small enough for C1's profiled tier
     * (both compile at tier 3). Loops rather than one call per vector: the iterations are independent, so the
     * long dependency chains of the activations overlap (a call per vector was 1.4x slower than the separate calls).
     */
    @Override
    public void lstmPointwise(float[] gates, int gOff, float[] cPrev, int cpOff, float[] c, int cOff,
                              float[] tanhC, int tOff, float[] state, int sOff, int n) {
        Shapes.range(gates, gOff, 4 * n, "lstmPointwise gates");
        Shapes.range(cPrev, cpOff, n, "lstmPointwise cPrev");
        Shapes.range(c, cOff, n, "lstmPointwise c");
        Shapes.range(tanhC, tOff, n, "lstmPointwise tanhC");
        Shapes.range(state, sOff, 2 * n, "lstmPointwise state");
        lstmCellPass(gates, gOff, cPrev, cpOff, c, cOff, state, sOff + n, n);
        lstmOutputPass(gates, gOff + 3 * n, c, cOff, tanhC, tOff, state, sOff, n);
    }

    /** i, f, g activated in place, c = f*c_prev + i*g to c and state; a loop of independent vectors. */
    private static void lstmCellPass(float[] gates, int gOff, float[] cPrev, int cpOff, float[] c, int cOff,
                                     float[] state, int sOff, int n) {
        final FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < n; j += L) {
            final VectorMask<Float> mask = S.indexInRange(j, n);
            final int g0 = gOff + j, cp0 = cpOff + j, c0 = cOff + j, s0 = sOff + j;
            final FloatVector xi = FloatVector.fromArray(S, gates, g0, mask);
            final FloatVector xf = FloatVector.fromArray(S, gates, g0 + n, mask);
            final FloatVector xg = FloatVector.fromArray(S, gates, g0 + 2 * n, mask);
            FloatVector vi, vf, vg;
            { // sigmoid, as in sigmoid()
                FloatVector ax = xi.abs();
                FloatVector y = ax.neg();
                FloatVector t = y.fma(LOG2E, ROUND);
                FloatVector k = t.sub(ROUND);
                FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), y);
                r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
                FloatVector p = r.fma(P0, P1);
                p = p.fma(r, FloatVector.broadcast(S, P2));
                p = p.fma(r, FloatVector.broadcast(S, P3));
                p = p.fma(r, FloatVector.broadcast(S, P4));
                p = p.fma(r, FloatVector.broadcast(S, P5));
                FloatVector pm1 = p.fma(r.mul(r), r);
                FloatVector sc = t.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector e = sc.fma(pm1, sc);
                e = e.blend(0f, ax.compare(VectorOperators.GT, SIGMOID_SATURATE));
                FloatVector q = one.div(e.add(1f));
                vi = q.blend(e.mul(q), xi.compare(VectorOperators.LT, 0f));
            }
            { // sigmoid, as in sigmoid()
                FloatVector ax = xf.abs();
                FloatVector y = ax.neg();
                FloatVector t = y.fma(LOG2E, ROUND);
                FloatVector k = t.sub(ROUND);
                FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), y);
                r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
                FloatVector p = r.fma(P0, P1);
                p = p.fma(r, FloatVector.broadcast(S, P2));
                p = p.fma(r, FloatVector.broadcast(S, P3));
                p = p.fma(r, FloatVector.broadcast(S, P4));
                p = p.fma(r, FloatVector.broadcast(S, P5));
                FloatVector pm1 = p.fma(r.mul(r), r);
                FloatVector sc = t.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector e = sc.fma(pm1, sc);
                e = e.blend(0f, ax.compare(VectorOperators.GT, SIGMOID_SATURATE));
                FloatVector q = one.div(e.add(1f));
                vf = q.blend(e.mul(q), xf.compare(VectorOperators.LT, 0f));
            }
            { // tanh, as in tanh()
                FloatVector ax = xg.abs();
                FloatVector y = ax.mul(-2f);
                FloatVector t = y.fma(LOG2E, ROUND);
                FloatVector k = t.sub(ROUND);
                FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), y);
                r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
                FloatVector p = r.fma(P0, P1);
                p = p.fma(r, FloatVector.broadcast(S, P2));
                p = p.fma(r, FloatVector.broadcast(S, P3));
                p = p.fma(r, FloatVector.broadcast(S, P4));
                p = p.fma(r, FloatVector.broadcast(S, P5));
                FloatVector pm1 = p.fma(r.mul(r), r);
                FloatVector sc = t.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector m = sc.fma(pm1, sc.sub(1f));
                FloatVector a = m.div(m.add(2f)).abs();
                a = a.blend(1f, ax.compare(VectorOperators.GT, TANH_ONE));
                vg = a.reinterpretAsInts().or(xg.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
            }
            vi.intoArray(gates, g0, mask);
            vf.intoArray(gates, g0 + n, mask);
            vg.intoArray(gates, g0 + 2 * n, mask);
            // c = f*c_prev + i*g, each product rounded, then the sum: as hadamard, hadamard, axpy(1)
            final FloatVector cn = vi.mul(vg).add(vf.mul(FloatVector.fromArray(S, cPrev, cp0, mask)));
            cn.intoArray(c, c0, mask);
            cn.intoArray(state, s0, mask);
        }
    }

    /** o activated in place from {@code oOff}, tanh(c) to tanhC, h = o*tanh(c) to state; a loop of independent vectors. */
    private static void lstmOutputPass(float[] gates, int oOff, float[] c, int cOff, float[] tanhC, int tOff,
                                       float[] state, int sOff, int n) {
        final FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < n; j += L) {
            final VectorMask<Float> mask = S.indexInRange(j, n);
            final int o0 = oOff + j, c0 = cOff + j, t0 = tOff + j, s0 = sOff + j;
            final FloatVector xo = FloatVector.fromArray(S, gates, o0, mask);
            final FloatVector xc = FloatVector.fromArray(S, c, c0, mask);
            FloatVector vo, tc;
            { // sigmoid, as in sigmoid()
                FloatVector ax = xo.abs();
                FloatVector y = ax.neg();
                FloatVector t = y.fma(LOG2E, ROUND);
                FloatVector k = t.sub(ROUND);
                FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), y);
                r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
                FloatVector p = r.fma(P0, P1);
                p = p.fma(r, FloatVector.broadcast(S, P2));
                p = p.fma(r, FloatVector.broadcast(S, P3));
                p = p.fma(r, FloatVector.broadcast(S, P4));
                p = p.fma(r, FloatVector.broadcast(S, P5));
                FloatVector pm1 = p.fma(r.mul(r), r);
                FloatVector sc = t.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector e = sc.fma(pm1, sc);
                e = e.blend(0f, ax.compare(VectorOperators.GT, SIGMOID_SATURATE));
                FloatVector q = one.div(e.add(1f));
                vo = q.blend(e.mul(q), xo.compare(VectorOperators.LT, 0f));
            }
            { // tanh, as in tanh()
                FloatVector ax = xc.abs();
                FloatVector y = ax.mul(-2f);
                FloatVector t = y.fma(LOG2E, ROUND);
                FloatVector k = t.sub(ROUND);
                FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), y);
                r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
                FloatVector p = r.fma(P0, P1);
                p = p.fma(r, FloatVector.broadcast(S, P2));
                p = p.fma(r, FloatVector.broadcast(S, P3));
                p = p.fma(r, FloatVector.broadcast(S, P4));
                p = p.fma(r, FloatVector.broadcast(S, P5));
                FloatVector pm1 = p.fma(r.mul(r), r);
                FloatVector sc = t.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector m = sc.fma(pm1, sc.sub(1f));
                FloatVector a = m.div(m.add(2f)).abs();
                a = a.blend(1f, ax.compare(VectorOperators.GT, TANH_ONE));
                tc = a.reinterpretAsInts().or(xc.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
            }
            vo.intoArray(gates, o0, mask);
            tc.intoArray(tanhC, t0, mask);
            vo.mul(tc).intoArray(state, s0, mask);
        }
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }
}
