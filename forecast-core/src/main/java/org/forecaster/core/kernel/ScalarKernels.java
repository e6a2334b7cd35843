package org.forecaster.core.kernel;

/**
 * The reference implementation of {@link Kernels}: plain loops, exact {@link Math#tanh} and
 * {@code 1/(1+exp(-x))}. Every {@link VectorKernels} method is tested against it.
 */
public final class ScalarKernels implements Kernels {

    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {}

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        Shapes.range(a, aOff, n, "dot a");
        Shapes.range(b, bOff, n, "dot b");
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum = Math.fma(a[aOff + i], b[bOff + i], sum);
        }
        return sum;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        Shapes.range(x, xOff, n, "axpy x");
        Shapes.range(y, yOff, n, "axpy y");
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void gemv(float[] w, int wOff, int ld, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
        Shapes.matrix(w, wOff, ld, rows, cols);
        Shapes.range(x, xOff, cols, "gemv x");
        Shapes.range(y, yOff, rows, "gemv y");
        for (int c = 0; c < cols; c++) {
            float xc = x[xOff + c];
            int base = wOff + c * ld;
            for (int r = 0; r < rows; r++) {
                y[yOff + r] = Math.fma(w[base + r], xc, y[yOff + r]);
            }
        }
    }

    @Override
    public void gemm(float[] w, int wOff, int ld, int rows, int cols,
                     float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, int batch) {
        Shapes.matrix(w, wOff, ld, rows, cols);
        Shapes.batched(x, xOff, ldx, cols, batch, "gemm x");
        Shapes.batched(y, yOff, ldy, rows, batch, "gemm y");
        for (int b = 0; b < batch; b++) {
            gemv(w, wOff, ld, rows, cols, x, xOff + b * ldx, y, yOff + b * ldy);
        }
    }

    /** Any panel width works here; this one is the AVX2 micro-kernel's, so a test can pack once for both. */
    @Override
    public int panelRows() {
        return 32;
    }

    /** The reference for every panel width: each output from its bias, one FMA per input in order. */
    @Override
    public void gemmPacked(PackedMatrix w, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, int batch) {
        int rows = w.rows(), cols = w.cols(), panel = w.panelRows();
        Shapes.batched(x, xOff, ldx, cols, batch, "gemmPacked x");
        Shapes.batched(y, yOff, ldy, rows, batch, "gemmPacked y");
        float[] d = w.data;
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                int base = (r / panel) * (cols + 1) * panel + r % panel;
                float acc = d[base];
                for (int c = 0; c < cols; c++) {
                    acc = Math.fma(d[base + (c + 1) * panel], x[xOff + b * ldx + c], acc);
                }
                y[yOff + b * ldy + r] = acc;
            }
        }
    }

    @Override
    public void gemvTransposed(float[] w, int wOff, int ld, int rows, int cols,
                               float[] dy, int dyOff, float[] x, int xOff) {
        Shapes.matrix(w, wOff, ld, rows, cols);
        Shapes.range(dy, dyOff, rows, "gemvTransposed dy");
        Shapes.range(x, xOff, cols, "gemvTransposed x");
        for (int c = 0; c < cols; c++) {
            x[xOff + c] += dot(w, wOff + c * ld, dy, dyOff, rows);
        }
    }

    @Override
    public void addOuter(float[] w, int wOff, int ld, int rows, int cols, float[] x, int xOff, float[] dy, int dyOff) {
        Shapes.matrix(w, wOff, ld, rows, cols);
        Shapes.range(x, xOff, cols, "addOuter x");
        Shapes.range(dy, dyOff, rows, "addOuter dy");
        for (int c = 0; c < cols; c++) {
            axpy(x[xOff + c], dy, dyOff, w, wOff + c * ld, rows);
        }
    }

    @Override
    public void hadamard(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        Shapes.range(a, aOff, n, "hadamard a");
        Shapes.range(b, bOff, n, "hadamard b");
        Shapes.range(out, outOff, n, "hadamard out");
        for (int i = 0; i < n; i++) {
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    @Override
    public void sigmoid(float[] a, int off, int n) {
        Shapes.range(a, off, n, "sigmoid");
        for (int i = off; i < off + n; i++) {
            a[i] = (float) (1.0 / (1.0 + Math.exp(-a[i])));
        }
    }

    @Override
    public void tanh(float[] a, int off, int n) {
        Shapes.range(a, off, n, "tanh");
        for (int i = off; i < off + n; i++) {
            a[i] = (float) Math.tanh(a[i]);
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
