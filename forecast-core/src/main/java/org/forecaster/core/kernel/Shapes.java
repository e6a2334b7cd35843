package org.forecaster.core.kernel;

/** Entry checks shared by the kernel implementations: one check per call, never inside loops. */
final class Shapes {
    private Shapes() {}

    /** Throws unless {@code a[off .. off+len)} lies inside {@code a}. */
    static void range(float[] a, int off, long len, String what) {
        if (off < 0 || len < 0 || off + len > a.length) {
            throw new IllegalArgumentException(
                    what + ": range [" + off + ", " + (off + len) + ") outside array of length " + a.length);
        }
    }

    /** Throws unless a matrix of {@code cols} vectors of {@code rows} outputs with stride {@code ld} fits. */
    static void matrix(float[] w, int wOff, int ld, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        }
        if (ld < rows) {
            throw new IllegalArgumentException("leading dimension " + ld + " < rows " + rows);
        }
        long len = cols == 0 ? 0 : (long) (cols - 1) * ld + rows;
        if (wOff < 0 || wOff + len > w.length) { // build the label only on failure: kernels run per key per step
            range(w, wOff, len, "matrix " + rows + "x" + cols + " ld " + ld);
        }
    }

    /** Throws unless {@code batch} rows of {@code len} with stride {@code ld} fit. */
    static void batched(float[] a, int off, int ld, int len, int batch, String what) {
        if (batch < 0) {
            throw new IllegalArgumentException(what + ": negative batch " + batch);
        }
        if (batch > 1 && ld < len) {
            throw new IllegalArgumentException(what + ": stride " + ld + " < row length " + len);
        }
        long total = batch == 0 ? 0 : (long) (batch - 1) * ld + len;
        range(a, off, total, what);
    }
}
