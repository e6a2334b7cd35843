package org.forecaster.core.cell;

/**
 * The cells written out again from the seed equations, in double precision with plain loops and no project kernels:
 * the independent reference for forward-pass tests. Parameters are read from the documented flat layout
 * ({@code ModelSpec#tensors()}): {@code W [I+H, G*H]} input-major ({@code W[c][r]} at {@code pOff + c*G*H + r},
 * inputs ordered {@code [x, h]}), then {@code b [G*H]}, then for the peephole LSTM {@code p [3, H]} (i, f, o).
 */
public final class ReferenceCells {
    private ReferenceCells() {}

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** Row {@code r} of {@code b + W [x, h]} for a cell with {@code g} gate blocks. */
    private static double preActivation(double[] p, int pOff, int inputs, int hidden, int g, int r, double[] x, double[] h) {
        int rows = g * hidden;
        double sum = p[pOff + (inputs + hidden) * rows + r];
        for (int c = 0; c < inputs; c++) {
            sum += p[pOff + c * rows + r] * x[c];
        }
        for (int c = 0; c < hidden; c++) {
            sum += p[pOff + (inputs + c) * rows + r] * h[c];
        }
        return sum;
    }

    /**
     * One LSTM step (seed 002, "LSTM computations"; peepholes per Gers and Schmidhuber 2000: i and f see
     * {@code c_prev}, o sees the new {@code c}). Gate blocks i, f, g, o. Returns {@code [h', c']} (2H).
     */
    public static double[] lstmStep(double[] p, int pOff, int inputs, int hidden, boolean peephole,
                                    double[] x, double[] h, double[] c) {
        int peep = pOff + (inputs + hidden) * 4 * hidden + 4 * hidden;
        double[] out = new double[2 * hidden];
        for (int j = 0; j < hidden; j++) {
            double ai = preActivation(p, pOff, inputs, hidden, 4, j, x, h);
            double af = preActivation(p, pOff, inputs, hidden, 4, hidden + j, x, h);
            double ag = preActivation(p, pOff, inputs, hidden, 4, 2 * hidden + j, x, h);
            double ao = preActivation(p, pOff, inputs, hidden, 4, 3 * hidden + j, x, h);
            if (peephole) {
                ai += p[peep + j] * c[j];
                af += p[peep + hidden + j] * c[j];
            }
            double i = sigmoid(ai), f = sigmoid(af), g = Math.tanh(ag);
            double cNew = f * c[j] + i * g;
            if (peephole) {
                ao += p[peep + 2 * hidden + j] * cNew;
            }
            double o = sigmoid(ao);
            out[j] = o * Math.tanh(cNew);
            out[hidden + j] = cNew;
        }
        return out;
    }

    /**
     * One GRU step (seed 003, Cho et al. 2014): {@code z = sigma(W_z [x,h] + b_z)}, {@code r = sigma(W_r [x,h] + b_r)},
     * {@code n = tanh(W_n [x, r*h] + b_n)}, {@code h' = (1-z)*h + z*n}. Gate blocks z, r, n. Returns {@code h'}.
     */
    public static double[] gruStep(double[] p, int pOff, int inputs, int hidden, double[] x, double[] h) {
        double[] z = new double[hidden], rh = new double[hidden], out = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            z[j] = sigmoid(preActivation(p, pOff, inputs, hidden, 3, j, x, h));
            rh[j] = sigmoid(preActivation(p, pOff, inputs, hidden, 3, hidden + j, x, h)) * h[j];
        }
        for (int j = 0; j < hidden; j++) {
            double n = Math.tanh(preActivation(p, pOff, inputs, hidden, 3, 2 * hidden + j, x, rh));
            out[j] = (1 - z[j]) * h[j] + z[j] * n;
        }
        return out;
    }

    /** {@link #lstmStep} or {@link #gruStep} by cell; {@code state} is {@code [h]} (GRU) or {@code [h, c]}. */
    public static double[] step(RecurrentCell cell, double[] p, int pOff, double[] x, double[] state) {
        int in = cell.inputSize(), hid = cell.hiddenSize();
        double[] h = java.util.Arrays.copyOf(state, hid);
        return switch (cell) {
            case GruCell g -> gruStep(p, pOff, in, hid, x, h);
            case LstmCell l -> lstmStep(p, pOff, in, hid, false, x, h, java.util.Arrays.copyOfRange(state, hid, 2 * hid));
            case PeepholeLstmCell l -> lstmStep(p, pOff, in, hid, true, x, h, java.util.Arrays.copyOfRange(state, hid, 2 * hid));
            default -> throw new IllegalArgumentException("no reference for " + cell);
        };
    }
}
