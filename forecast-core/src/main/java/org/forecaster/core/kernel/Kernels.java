package org.forecaster.core.kernel;

/**
 * The numeric primitives every cell and head is built from. Two implementations sit side by side with
 * the same contract: {@link ScalarKernels}, the readable reference, and {@link VectorKernels}, the SIMD
 * one on the Vector API. {@link KernelsProvider} chooses one per process.
 *
 * <p>Weight matrices are stored <em>input-major</em>: a matrix with {@code rows} outputs and {@code cols}
 * inputs keeps, for every input {@code c}, its {@code rows} output weights contiguously at
 * {@code w[wOff + c * ld + r]} ({@code ld >= rows}). A matrix-vector product then streams whole vectors of
 * outputs per input (a broadcast and an FMA, no horizontal reduction), which is what makes the small
 * recurrent shapes fast.
 *
 * <p>All methods accumulate into or overwrite only the output range they name; inputs are never modified
 * unless a method says "in place". Arrays are owned by the caller; implementations keep no references and
 * are stateless and thread-safe. Shapes are checked once at entry, with the sizes in the message.
 */
public interface Kernels {

    /** Sum of {@code a[aOff+i] * b[bOff+i]} for {@code i < n}. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** {@code y[yOff+i] += alpha * x[xOff+i]} for {@code i < n}. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * Matrix-vector product, accumulating: {@code y[yOff+r] += sum_c w[wOff + c*ld + r] * x[xOff+c]} for
     * {@code r < rows}, {@code c < cols}.
     */
    void gemv(float[] w, int wOff, int ld, int rows, int cols, float[] x, int xOff, float[] y, int yOff);

    /**
     * Batched gate GEMM: the {@link #gemv} of {@code batch} keys at once, each weight vector loaded once and
     * reused across keys. For {@code b < batch}: {@code y[yOff + b*ldy + r] += sum_c w[wOff + c*ld + r] *
     * x[xOff + b*ldx + c]}.
     */
    void gemm(float[] w, int wOff, int ld, int rows, int cols,
              float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, int batch);

    /**
     * Rows per panel that {@link #gemmPacked} of this implementation reads: its micro-kernel's width.
     * {@link #pack} packs with it.
     */
    int panelRows();

    /**
     * Packs a weight matrix in the {@link #gemm} layout, and its bias ({@code null} for none), once, for
     * {@link #gemmPacked} of this implementation. Allocates; call it at model load, not per step.
     */
    default PackedMatrix pack(float[] w, int wOff, int ld, int rows, int cols, float[] bias, int biasOff) {
        return PackedMatrix.pack(w, wOff, ld, rows, cols, bias, biasOff, panelRows());
    }

    /**
     * Batched product with packed weights, overwriting: for {@code b < batch} and {@code r < w.rows()},
     * {@code y[yOff + b*ldy + r] = bias[r] + sum_c W[c][r] * x[xOff + b*ldx + c]}, summed from the bias in
     * increasing {@code c} with one fused multiply-add per term. That order is the same for every key whatever
     * the batch size or the key's place in it, so a key stepped alone and the same key stepped in a batch get
     * bit-identical results; and it is the order of {@link ScalarKernels#gemmPacked}, so the implementations
     * agree exactly. Allocation-free.
     *
     * @throws IllegalArgumentException if {@code w} was packed for another panel width than {@link #panelRows()}
     *     of a vector implementation, or on ranges outside the arrays
     */
    void gemmPacked(PackedMatrix w, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, int batch);

    /**
     * Transposed product, accumulating (the backward of {@link #gemv}): {@code x[xOff+c] += sum_r
     * w[wOff + c*ld + r] * dy[dyOff+r]} for {@code c < cols}, {@code r < rows}.
     */
    void gemvTransposed(float[] w, int wOff, int ld, int rows, int cols, float[] dy, int dyOff, float[] x, int xOff);

    /**
     * Rank-one update (the weight gradient of {@link #gemv}): {@code w[wOff + c*ld + r] += x[xOff+c] *
     * dy[dyOff+r]} for {@code c < cols}, {@code r < rows}.
     */
    void addOuter(float[] w, int wOff, int ld, int rows, int cols, float[] x, int xOff, float[] dy, int dyOff);

    /** {@code out[outOff+i] = a[aOff+i] * b[bOff+i]}; {@code out} may alias {@code a} or {@code b}. */
    void hadamard(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);

    /** Logistic sigmoid in place on {@code a[off .. off+n)}. */
    void sigmoid(float[] a, int off, int n);

    /** Hyperbolic tangent in place on {@code a[off .. off+n)}. */
    void tanh(float[] a, int off, int n);

    /**
     * The LSTM's element-wise step for one key of hidden size {@code n}. In: the pre-activations {@code i, f, g, o}
     * at {@code gates[gOff + q*n + j]} ({@code q = 0..3}) and {@code c_prev} at {@code cPrev[cpOff + j]}. Out, for
     * {@code j < n}: the gates in place as {@code sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)};
     * {@code c[cOff + j] = f*c_prev + i*g}; {@code tanhC[tOff + j] = tanh(c)}; {@code state[sOff + j] = o*tanh(c)}
     * and {@code state[sOff + n + j] = c}. Each product is rounded, then the sum: the result is exactly that of the
     * calls below ({@link #sigmoid}, {@link #tanh}, {@link #hadamard}, {@link #axpy}), which this default makes, so
     * an implementation that overrides it gives its own kernels' bits in one pass.
     */
    default void lstmPointwise(float[] gates, int gOff, float[] cPrev, int cpOff, float[] c, int cOff,
                               float[] tanhC, int tOff, float[] state, int sOff, int n) {
        sigmoid(gates, gOff, 2 * n);
        tanh(gates, gOff + 2 * n, n);
        hadamard(gates, gOff + n, cPrev, cpOff, c, cOff, n);               // f * c_prev
        hadamard(gates, gOff, gates, gOff + 2 * n, tanhC, tOff, n);        // i * g (tanhC as scratch)
        axpy(1f, tanhC, tOff, c, cOff, n);
        sigmoid(gates, gOff + 3 * n, n);
        System.arraycopy(c, cOff, tanhC, tOff, n);
        tanh(tanhC, tOff, n);
        hadamard(gates, gOff + 3 * n, tanhC, tOff, state, sOff, n);
        System.arraycopy(c, cOff, state, sOff + n, n);
    }

    /** Short name for logs and benchmark tables, e.g. {@code "scalar"} or {@code "vector-512"}. */
    String name();
}
