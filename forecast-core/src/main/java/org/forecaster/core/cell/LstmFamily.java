package org.forecaster.core.cell;

import java.util.SplittableRandom;
import org.forecaster.core.kernel.Kernels;

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

    @Override
    public void forward(Kernels k, float[] params, int pOff, float[] x, int xOff, int ldx,
                        float[] stateIn, float[] stateOut, int batch, StepCache cache) {
        cache.begin(batch);
        final int h = hidden, cols = inputs + h, g4 = 4 * h, s = 2 * h;
        final int bOff = biasOffset(pOff), pe = peepOffset(pOff);
        final float[] xh = cache.xh, gates = cache.gates, cPrev = cache.cPrev, c = cache.c, tanhC = cache.tanhC;
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x, xOff + b * ldx, xh, b * cols, inputs);
            System.arraycopy(stateIn, b * s, xh, b * cols + inputs, h);
            System.arraycopy(stateIn, b * s + h, cPrev, b * h, h);
            System.arraycopy(params, bOff, gates, b * g4, g4);
        }
        k.gemm(params, pOff, g4, g4, cols, xh, 0, cols, gates, 0, g4, batch);
        for (int b = 0; b < batch; b++) {
            final int row = b * g4, cr = b * h;
            if (peephole) {
                for (int j = 0; j < h; j++) {
                    gates[row + j] += params[pe + j] * cPrev[cr + j];
                    gates[row + h + j] += params[pe + h + j] * cPrev[cr + j];
                }
            }
            k.sigmoid(gates, row, 2 * h);
            k.tanh(gates, row + 2 * h, h);
            k.hadamard(gates, row + h, cPrev, cr, c, cr, h);                // f * c_prev
            k.hadamard(gates, row, gates, row + 2 * h, tanhC, cr, h);       // i * g (tanhC as scratch)
            k.axpy(1f, tanhC, cr, c, cr, h);
            if (peephole) {
                for (int j = 0; j < h; j++) {
                    gates[row + 3 * h + j] += params[pe + 2 * h + j] * c[cr + j];
                }
            }
            k.sigmoid(gates, row + 3 * h, h);
            System.arraycopy(c, cr, tanhC, cr, h);
            k.tanh(tanhC, cr, h);
            k.hadamard(gates, row + 3 * h, tanhC, cr, stateOut, b * s, h);
            System.arraycopy(c, cr, stateOut, b * s + h, h);
        }
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
