package org.forecaster.core.kernel;

/**
 * A weight matrix and its bias repacked once, at model load, into contiguous row panels for
 * {@link Kernels#gemmPacked}. The input-major matrix of {@link Kernels} keeps a column's outputs at stride
 * {@code ld}; at H = 256 that stride is 4 KiB, so every column of a row block maps to the same L1 set and the
 * block thrashes. Here the rows are cut into panels of {@link #panelRows()} (the micro-kernel's width: 4 vectors
 * of the running species), and each panel is stored as one contiguous run:
 * <pre>
 *   panel p at data[p * (cols + 1) * P]:  bias[pP .. pP+P) | w[col 0][pP .. pP+P) | w[col 1][...] | ...
 * </pre>
 * The last panel is zero-padded past {@link #rows()}, so the kernels never need a masked load.
 *
 * <p>Immutable after {@link #pack}; a copy, so later changes to the source array are not seen (pack again).
 * Thread-safe to share.
 */
public final class PackedMatrix {
    private final int rows;
    private final int cols;
    private final int panelRows;
    /** Package-private for the kernels: never written after {@link #pack}. */
    final float[] data;

    private PackedMatrix(int rows, int cols, int panelRows, float[] data) {
        this.rows = rows;
        this.cols = cols;
        this.panelRows = panelRows;
        this.data = data;
    }

    /**
     * Packs {@code w[wOff + c*ld + r]} ({@code rows} outputs, {@code cols} inputs, the layout of
     * {@link Kernels#gemm}) and {@code bias[biasOff + r]} (or zeros when {@code bias} is null) into panels of
     * {@code panelRows} rows. Prefer {@link Kernels#pack}, which picks the panel its own kernels need.
     *
     * @throws IllegalArgumentException on a non-positive panel, negative sizes, or ranges outside the arrays
     */
    public static PackedMatrix pack(float[] w, int wOff, int ld, int rows, int cols, float[] bias, int biasOff,
                                    int panelRows) {
        if (panelRows < 1) {
            throw new IllegalArgumentException("panel must have at least one row, got " + panelRows);
        }
        Shapes.matrix(w, wOff, ld, rows, cols);
        if (bias != null) {
            Shapes.range(bias, biasOff, rows, "pack bias");
        }
        int panels = (rows + panelRows - 1) / panelRows;
        long size = (long) panels * (cols + 1) * panelRows;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("packed " + rows + "x" + cols + " matrix in panels of " + panelRows
                    + " needs " + size + " floats, more than an array holds");
        }
        float[] data = new float[(int) size];
        for (int p = 0; p < panels; p++) {
            int r0 = p * panelRows, n = Math.min(panelRows, rows - r0);
            int base = p * (cols + 1) * panelRows;
            if (bias != null) {
                System.arraycopy(bias, biasOff + r0, data, base, n);
            }
            for (int c = 0; c < cols; c++) {
                System.arraycopy(w, wOff + c * ld + r0, data, base + (c + 1) * panelRows, n);
            }
        }
        return new PackedMatrix(rows, cols, panelRows, data);
    }

    /** Outputs. */
    public int rows() {
        return rows;
    }

    /** Inputs. */
    public int cols() {
        return cols;
    }

    /** Rows per panel: the width of the micro-kernel this matrix was packed for. */
    public int panelRows() {
        return panelRows;
    }

    /** Floats held (panels, padding and bias included), for memory accounting. */
    public int packedFloats() {
        return data.length;
    }
}
