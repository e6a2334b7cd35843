package org.forecaster.core.cell;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.forecaster.core.kernel.Kernels;

/**
 * The GRU of seed 003 (Cho et al. 2014, reset applied before the recurrent product). Gate blocks z, r,
 * candidate n; parameters {@code W [I+H, 3H]} input-major over inputs {@code [x, h]} (for the candidate
 * block the recurrent rows multiply {@code r*h}), {@code b [3H]}:
 * <pre>
 *   z = sigma(W_z [x,h] + b_z)      r = sigma(W_r [x,h] + b_r)
 *   n = tanh(W_n [x, r*h] + b_n)    h' = (1-z)*h + z*n
 * </pre>
 */
public final class GruCell implements RecurrentCell {
    private final int inputs;
    private final int hidden;

    public GruCell(int inputs, int hidden) {
        if (inputs < 1 || hidden < 1) {
            throw new IllegalArgumentException("GRU needs positive sizes, got input " + inputs + ", hidden " + hidden);
        }
        this.inputs = inputs;
        this.hidden = hidden;
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
        return hidden;
    }

    @Override
    public int parameterCount() {
        return (inputs + hidden) * 3 * hidden + 3 * hidden;
    }

    private int biasOffset(int pOff) {
        return pOff + (inputs + hidden) * 3 * hidden;
    }

    @Override
    public void initialize(float[] params, int pOff, SplittableRandom random) {
        RecurrentCell.glorot(params, pOff, (inputs + hidden) * 3 * hidden, inputs + hidden, hidden, random);
        int b = biasOffset(pOff);
        Arrays.fill(params, b, b + 3 * hidden, 0f);
    }

    @Override
    public StepCache newCache(int maxBatch) {
        return new StepCache(maxBatch, inputs, hidden, 3, false, true);
    }

    @Override
    public void forward(Kernels k, float[] params, int pOff, float[] x, int xOff, int ldx,
                        float[] stateIn, float[] stateOut, int batch, StepCache cache) {
        cache.begin(batch);
        final int h = hidden, cols = inputs + h, g3 = 3 * h;
        final int bOff = biasOffset(pOff);
        final float[] xh = cache.xh, xrh = cache.xrh, gates = cache.gates;
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x, xOff + b * ldx, xh, b * cols, inputs);
            System.arraycopy(stateIn, b * h, xh, b * cols + inputs, h);
            System.arraycopy(params, bOff, gates, b * g3, g3);
        }
        k.gemm(params, pOff, g3, 2 * h, cols, xh, 0, cols, gates, 0, g3, batch);
        for (int b = 0; b < batch; b++) {
            k.sigmoid(gates, b * g3, 2 * h);
            System.arraycopy(xh, b * cols, xrh, b * cols, inputs);
            k.hadamard(gates, b * g3 + h, xh, b * cols + inputs, xrh, b * cols + inputs, h);
        }
        k.gemm(params, pOff + 2 * h, g3, h, cols, xrh, 0, cols, gates, 2 * h, g3, batch);
        for (int b = 0; b < batch; b++) {
            final int row = b * g3, hp = b * cols + inputs;
            k.tanh(gates, row + 2 * h, h);
            for (int j = 0; j < h; j++) {
                float prev = xh[hp + j];
                stateOut[b * h + j] = prev + gates[row + j] * (gates[row + 2 * h + j] - prev);
            }
        }
    }

    @Override
    public void backward(Kernels k, float[] params, int pOff, StepCache cache, float[] dStateOut, float[] dStateIn,
                         float[] dx, int dxOff, int lddx, float[] grads) {
        final int batch = cache.batch, h = hidden, cols = inputs + h, g3 = 3 * h;
        final int bOff = biasOffset(pOff);
        final float[] gates = cache.gates, xh = cache.xh, dPre = cache.dPre, dxh = cache.dxh;
        for (int b = 0; b < batch; b++) {
            final int row = b * g3, hp = b * cols + inputs, sr = b * h;
            for (int j = 0; j < h; j++) {
                float z = gates[row + j], n = gates[row + 2 * h + j], prev = xh[hp + j];
                float dh = dStateOut[sr + j];
                dPre[row + 2 * h + j] = dh * z * (1 - n * n);
                dPre[row + j] = dh * (n - prev) * z * (1 - z);
                dStateIn[sr + j] = dh * (1 - z);
            }
            // Candidate block: its inputs were [x, r*h].
            k.axpy(1f, dPre, row + 2 * h, grads, bOff + 2 * h, h);
            k.addOuter(grads, pOff + 2 * h, g3, h, cols, cache.xrh, b * cols, dPre, row + 2 * h);
            Arrays.fill(dxh, 0f);
            k.gemvTransposed(params, pOff + 2 * h, g3, h, cols, dPre, row + 2 * h, dxh, 0);
            k.axpy(1f, dxh, 0, dx, dxOff + b * lddx, inputs);
            for (int j = 0; j < h; j++) {
                float r = gates[row + h + j], drh = dxh[inputs + j];
                dPre[row + h + j] = drh * xh[hp + j] * r * (1 - r);
                dStateIn[sr + j] += drh * r;
            }
            // Update and reset blocks: their inputs were [x, h].
            k.axpy(1f, dPre, row, grads, bOff, 2 * h);
            k.addOuter(grads, pOff, g3, 2 * h, cols, xh, b * cols, dPre, row);
            Arrays.fill(dxh, 0f);
            k.gemvTransposed(params, pOff, g3, 2 * h, cols, dPre, row, dxh, 0);
            k.axpy(1f, dxh, 0, dx, dxOff + b * lddx, inputs);
            k.axpy(1f, dxh, inputs, dStateIn, sr, h);
        }
    }
}
