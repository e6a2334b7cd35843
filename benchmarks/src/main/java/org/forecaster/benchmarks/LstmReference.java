package org.forecaster.benchmarks;

import java.util.SplittableRandom;

/**
 * A plain-Java LSTM step, the yardstick the benchmarks check other implementations against once in setup.
 *
 * <p>Weights in our gate order {@code [i; f; g; o]} (input, forget, cell candidate, output), one row per
 * gate unit: {@code w[(gate*H + r) * (I+H) + c]} for input column {@code c < I} (x) and {@code I <= c < I+H}
 * (h), and one bias per row {@code b[gate*H + r]}. Then, per key:
 * <pre>
 *   z = W [x; h] + b;  i = sigmoid(z_i); f = sigmoid(z_f); g = tanh(z_g); o = sigmoid(z_o)
 *   c' = f*c + i*g;    h' = o * tanh(c')
 * </pre>
 * Accumulates in double so that the reference is closer to exact than anything it checks.
 */
final class LstmReference {

    static final int GATE_I = 0;
    static final int GATE_F = 1;
    static final int GATE_G = 2;
    static final int GATE_O = 3;

    final int input;
    final int hidden;
    /** Row-major {@code 4H x (I+H)}, gates in order i, f, g, o. */
    final float[] w;
    /** {@code 4H}, gates in order i, f, g, o. */
    final float[] b;

    /** Uniform weights in ±1/sqrt(H) (the usual LSTM init scale, so gates are neither saturated nor flat). */
    LstmReference(int input, int hidden, long seed) {
        this.input = input;
        this.hidden = hidden;
        SplittableRandom random = new SplittableRandom(seed);
        float scale = (float) (1.0 / Math.sqrt(hidden));
        w = new float[4 * hidden * (input + hidden)];
        b = new float[4 * hidden];
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) random.nextDouble(-scale, scale);
        }
        for (int k = 0; k < b.length; k++) {
            b[k] = (float) random.nextDouble(-scale, scale);
        }
    }

    /**
     * The reference for the parameters of {@link org.forecaster.core.cell.LstmCell}: input-major
     * {@code W[c*4H + gate*H + r]} at {@code pOff}, then {@code b[4H]}, the same gate order i, f, g, o.
     */
    static LstmReference ofCellParameters(int input, int hidden, float[] params, int pOff) {
        LstmReference ref = new LstmReference(input, hidden, 0);
        int cols = input + hidden, g4 = 4 * hidden;
        for (int row = 0; row < g4; row++) {
            for (int c = 0; c < cols; c++) {
                ref.w[row * cols + c] = params[pOff + c * g4 + row];
            }
            ref.b[row] = params[pOff + cols * g4 + row];
        }
        return ref;
    }

    /** Weight of gate unit {@code (gate, r)} for input column {@code c} (x first, then h). */
    float weight(int gate, int r, int c) {
        return w[(gate * hidden + r) * (input + hidden) + c];
    }

    /**
     * One step for {@code batch} keys. Row-major {@code x[batch][I]}, {@code h, c[batch][H]}; writes
     * {@code hOut, cOut[batch][H]} (may not alias the inputs).
     */
    void step(float[] x, float[] h, float[] c, int batch, float[] hOut, float[] cOut) {
        int cols = input + hidden;
        double[] z = new double[4 * hidden];
        for (int k = 0; k < batch; k++) {
            for (int row = 0; row < 4 * hidden; row++) {
                double sum = b[row];
                for (int col = 0; col < input; col++) {
                    sum += (double) w[row * cols + col] * x[k * input + col];
                }
                for (int col = 0; col < hidden; col++) {
                    sum += (double) w[row * cols + input + col] * h[k * hidden + col];
                }
                z[row] = sum;
            }
            for (int r = 0; r < hidden; r++) {
                double i = sigmoid(z[GATE_I * hidden + r]);
                double f = sigmoid(z[GATE_F * hidden + r]);
                double g = Math.tanh(z[GATE_G * hidden + r]);
                double o = sigmoid(z[GATE_O * hidden + r]);
                double cNew = f * c[k * hidden + r] + i * g;
                cOut[k * hidden + r] = (float) cNew;
                hOut[k * hidden + r] = (float) (o * Math.tanh(cNew));
            }
        }
    }

    /** Largest absolute difference over {@code n} elements. */
    static double maxAbsDiff(float[] a, float[] b, int n) {
        double max = 0;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, Math.abs((double) a[k] - b[k]));
        }
        return max;
    }

    /** Deterministic values in ±1 for inputs and states. */
    static float[] randomVector(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }

    private static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }
}
