package org.forecaster.core.cell;

/**
 * What one forward step of a cell keeps for its backward step, for up to {@link #maxBatch()} keys, plus
 * the scratch both directions need. Made by {@link RecurrentCell#newCache(int)} and reused step after
 * step, so the hot path allocates nothing. Arrays are row-major per key ({@code [key][...]}). Not thread-safe.
 */
public final class StepCache {
    final int maxBatch;
    /** Per key {@code [x, h_prev]} (LSTM family and GRU): the inputs of the gate matrix. */
    final float[] xh;
    /** Per key {@code [x, r*h_prev]}: the inputs of the GRU candidate (empty for the LSTM family). */
    final float[] xrh;
    /** Per key the post-activation gate blocks. */
    final float[] gates;
    /** Per key {@code c_prev} and {@code c}, and {@code tanh(c)} (LSTM family; empty for GRU). */
    final float[] cPrev;
    final float[] c;
    final float[] tanhC;
    /** Backward scratch: per key gate pre-activation gradients, and one key's input gradient. */
    final float[] dPre;
    final float[] dxh;
    int batch;

    StepCache(int maxBatch, int inputs, int hidden, int gateBlocks, boolean lstmFamily, boolean gru) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("cache batch must be >= 1, got " + maxBatch);
        }
        this.maxBatch = maxBatch;
        int cols = inputs + hidden;
        this.xh = new float[maxBatch * cols];
        this.xrh = new float[gru ? maxBatch * cols : 0];
        this.gates = new float[maxBatch * gateBlocks * hidden];
        int cs = lstmFamily ? maxBatch * hidden : 0;
        this.cPrev = new float[cs];
        this.c = new float[cs];
        this.tanhC = new float[cs];
        this.dPre = new float[maxBatch * gateBlocks * hidden];
        this.dxh = new float[cols];
    }

    /** The largest batch this cache holds. */
    public int maxBatch() {
        return maxBatch;
    }

    /** Keys held by the last forward step. */
    public int batch() {
        return batch;
    }

    void begin(int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch " + batch + " outside 1.." + maxBatch + " of this cache");
        }
        this.batch = batch;
    }
}
