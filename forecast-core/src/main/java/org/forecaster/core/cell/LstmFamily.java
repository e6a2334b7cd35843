package org.forecaster.core.cell;

import java.util.SplittableRandom;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.PackedMatrix;

/**
 * The LSTM of seed 002/003, optionally with peepholes. Gate blocks in order i, f, g, o; parameters
 * {@code W [I+H, 4H]} input-major over inputs {@code [x, h]}, {@code b [4H]}, and for peepholes
 * {@code p [3, H]} (i and f see {@code c_prev}, o sees the new {@code c}):
 * <pre>
 *   i = sigma(W_i [x,h] + b_i (+ p_i*c_prev))   f = sigma(W_f [x,h] + b_f (+ p_f*c_prev))
 *   g = tanh(W_g [x,h] + b_g)                   c' = f*c_prev + i*g
 *   o = sigma(W_o [x,h] + b_o (+ p_o*c'))       h' = o * tanh(c')
 * </pre>
 */
abstract sealed class LstmFamily implements RecurrentCell permits LstmCell, PeepholeLstmCell {
    private final int inputs;
    private final int hidden;
    private final boolean peephole;

    LstmFamily(int inputs, int hidden, boolean peephole) {
        if (inputs < 1 || hidden < 1) {
            throw new IllegalArgumentException("LSTM needs positive sizes, got input " + inputs + ", hidden " + hidden);
        }
        this.inputs = inputs;
        this.hidden = hidden;
        this.peephole = peephole;
    }

    @Override
    public int inputSize() {
        return inputs;
    }

    @Override
    public int hiddenSize() {
        return hidden;
    }

    @Override
    public int stateSize() {
        return 2 * hidden;
    }

    @Override
    public int parameterCount() {
        int g = 4 * hidden;
        return (inputs + hidden) * g + g + (peephole ? 3 * hidden : 0);
    }

    private int biasOffset(int pOff) {
        return pOff + (inputs + hidden) * 4 * hidden;
    }

    private int peepOffset(int pOff) {
        return biasOffset(pOff) + 4 * hidden;
    }

    @Override
    public void initialize(float[] params, int pOff, SplittableRandom random) {
        int g = 4 * hidden;
        RecurrentCell.glorot(params, pOff, (inputs + hidden) * g, inputs + hidden, hidden, random);
        int b = biasOffset(pOff);
        java.util.Arrays.fill(params, b, b + g, 0f);
        // Forget-gate bias 1 keeps the cell remembering early in training (Jozefowicz et al. 2015).
        java.util.Arrays.fill(params, b + hidden, b + 2 * hidden, 1f);
        if (peephole) {
            java.util.Arrays.fill(params, peepOffset(pOff), peepOffset(pOff) + 3 * hidden, 0f);
        }
    }

    @Override
    public StepCache newCache(int maxBatch) {
        return new StepCache(maxBatch, inputs, hidden, 4, true, false);
    }

    /** The gate matrix {@code W [I+H, 4H]} with its bias, packed for {@link Kernels#gemmPacked}. */
    @Override
    public PackedMatrix pack(Kernels k, float[] params, int pOff) {
        int g4 = 4 * hidden;
        return k.pack(params, pOff, g4, g4, inputs + hidden, params, biasOffset(pOff));
    }

    @Override
    public void forward(Kernels k, float[] params, int pOff, float[] x, int xOff, int ldx,
                        float[] stateIn, float[] stateOut, int batch, StepCache cache) {
        cache.begin(batch);
        final int h = hidden, cols = inputs + h, g4 = 4 * h;
        final int bOff = biasOffset(pOff);
        final float[] gates = cache.gates;
        gatherInputs(x, xOff, ldx, stateIn, batch, cache);
        for (int b = 0; b < batch; b++) {
            System.arraycopy(params, bOff, gates, b * g4, g4);
        }
        k.gemm(params, pOff, g4, g4, cols, cache.xh, 0, cols, gates, 0, g4, batch);
        for (int b = 0; b < batch; b++) {
            activate(k, params, pOff, stateOut, b, cache);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Keys go in chunks of {@value #PACKED_CHUNK}: the chunk's gate product, then its activations and cell
     * update while the chunk's gates (at most 48 x 4H floats) are still in cache.
     */
    @Override
    public void forward(Kernels k, float[] params, int pOff, PackedMatrix packed, float[] x, int xOff, int ldx,
                        float[] stateIn, float[] stateOut, int batch, StepCache cache) {
        if (packed == null) {
            forward(k, params, pOff, x, xOff, ldx, stateIn, stateOut, batch, cache);
            return;
        }
        final int h = hidden, cols = inputs + h, g4 = 4 * h;
        if (packed.rows() != g4 || packed.cols() != cols) {
            throw new IllegalArgumentException("packed gate matrix is " + packed.rows() + "x" + packed.cols()
                    + ", this cell needs " + g4 + "x" + cols);
        }
        cache.begin(batch);
        gatherInputs(x, xOff, ldx, stateIn, batch, cache);
        for (int from = 0; from < batch; from += PACKED_CHUNK) {
            int n = Math.min(PACKED_CHUNK, batch - from);
            k.gemmPacked(packed, cache.xh, from * cols, cols, cache.gates, from * g4, g4, n);
            for (int b = from; b < from + n; b++) {
                activate(k, params, pOff, stateOut, b, cache);
            }
        }
    }

    /** Keys per chunk of the packed step: a multiple of the 6-key tile. */
    static final int PACKED_CHUNK = 48;

    /** Per key {@code [x, h_prev]} into {@code xh} and {@code c_prev} into the cache. */
    private void gatherInputs(float[] x, int xOff, int ldx, float[] stateIn, int batch, StepCache cache) {
        final int h = hidden, cols = inputs + h, s = 2 * h;
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x, xOff + b * ldx, cache.xh, b * cols, inputs);
            System.arraycopy(stateIn, b * s, cache.xh, b * cols + inputs, h);
            System.arraycopy(stateIn, b * s + h, cache.cPrev, b * h, h);
        }
    }

    /** Key {@code b}: gate non-linearities on its pre-activations, the cell update, and its new state. */
    private void activate(Kernels k, float[] params, int pOff, float[] stateOut, int b, StepCache cache) {
        final int h = hidden, g4 = 4 * h, s = 2 * h, pe = peepOffset(pOff);
        final float[] gates = cache.gates, cPrev = cache.cPrev, c = cache.c, tanhC = cache.tanhC;
        final int row = b * g4, cr = b * h;
        if (!peephole) { // one fused pass (two loops); the same bits as the calls below
            k.lstmPointwise(gates, row, cPrev, cr, c, cr, tanhC, cr, stateOut, b * s, h);
            return;
        }
        for (int j = 0; j < h; j++) {
            gates[row + j] += params[pe + j] * cPrev[cr + j];
            gates[row + h + j] += params[pe + h + j] * cPrev[cr + j];
        }
        k.sigmoid(gates, row, 2 * h);
        k.tanh(gates, row + 2 * h, h);
        k.hadamard(gates, row + h, cPrev, cr, c, cr, h);                // f * c_prev
        k.hadamard(gates, row, gates, row + 2 * h, tanhC, cr, h);       // i * g (tanhC as scratch)
        k.axpy(1f, tanhC, cr, c, cr, h);
        for (int j = 0; j < h; j++) {
            gates[row + 3 * h + j] += params[pe + 2 * h + j] * c[cr + j];
        }
        k.sigmoid(gates, row + 3 * h, h);
        System.arraycopy(c, cr, tanhC, cr, h);
        k.tanh(tanhC, cr, h);
        k.hadamard(gates, row + 3 * h, tanhC, cr, stateOut, b * s, h);
        System.arraycopy(c, cr, stateOut, b * s + h, h);
    }

    @Override
    public void backward(Kernels k, float[] params, int pOff, StepCache cache, float[] dStateOut, float[] dStateIn,
                         float[] dx, int dxOff, int lddx, float[] grads) {
        final int batch = cache.batch, h = hidden, cols = inputs + h, g4 = 4 * h, s = 2 * h;
        final int bOff = biasOffset(pOff), pe = peepOffset(pOff);
        final float[] gates = cache.gates, cPrev = cache.cPrev, c = cache.c, tanhC = cache.tanhC;
        final float[] dPre = cache.dPre, dxh = cache.dxh;
        for (int b = 0; b < batch; b++) {
            final int row = b * g4, cr = b * h, sr = b * s;
            for (int j = 0; j < h; j++) {
                float i = gates[row + j], f = gates[row + h + j], g = gates[row + 2 * h + j], o = gates[row + 3 * h + j];
                float tc = tanhC[cr + j], cp = cPrev[cr + j];
                float dh = dStateOut[sr + j];
                float dpo = dh * tc * o * (1 - o);
                float dc = dStateOut[sr + h + j] + dh * o * (1 - tc * tc);
                if (peephole) {
                    dc += dpo * params[pe + 2 * h + j];
                }
                float dpi = dc * g * i * (1 - i);
                float dpf = dc * cp * f * (1 - f);
                float dpg = dc * i * (1 - g * g);
                float dcPrev = dc * f;
                if (peephole) {
                    dcPrev += dpi * params[pe + j] + dpf * params[pe + h + j];
                    grads[pe + j] += dpi * cp;
                    grads[pe + h + j] += dpf * cp;
                    grads[pe + 2 * h + j] += dpo * c[cr + j];
                }
                dPre[row + j] = dpi;
                dPre[row + h + j] = dpf;
                dPre[row + 2 * h + j] = dpg;
                dPre[row + 3 * h + j] = dpo;
                dStateIn[sr + h + j] = dcPrev;
            }
            k.axpy(1f, dPre, row, grads, bOff, g4);
            k.addOuter(grads, pOff, g4, g4, cols, cache.xh, b * cols, dPre, row);
            java.util.Arrays.fill(dxh, 0f);
            k.gemvTransposed(params, pOff, g4, g4, cols, dPre, row, dxh, 0);
            k.axpy(1f, dxh, 0, dx, dxOff + b * lddx, inputs);
            System.arraycopy(dxh, inputs, dStateIn, sr, h);
        }
    }
}
