package org.forecaster.core.model;

import java.util.SplittableRandom;
import org.forecaster.core.cell.GruCell;
import org.forecaster.core.cell.LstmCell;
import org.forecaster.core.cell.PeepholeLstmCell;
import org.forecaster.core.cell.RecurrentCell;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.PackedMatrix;

/**
 * The network: {@link ModelSpec#layers()} stacked recurrent cells and a dense Gaussian head, over one flat
 * parameter array (layout: {@link ModelSpec#tensors()}). Stateless apart from the parameters: recurrent
 * states, caches and gradients belong to the caller, so one instance serves every key and thread.
 *
 * <p>Per step and key the head writes {@code 2K} numbers: the means of the next K normalised values, then
 * their log-scales. The means are residual over the step's own input value (feature 0): the dense layer
 * learns the change from the current level, so persistence is what an untrained head predicts, which is
 * a strong start on smooth telemetry. The parameter array is owned by this instance after construction; trainers update it
 * in place through {@link #parameters()}.
 */
public final class Forecaster {
    private final ModelSpec spec;
    private final Kernels kernels;
    private final float[] params;
    private final RecurrentCell[] cells;
    private final int[] cellOffsets;
    private final int headWeights;
    private final int headBias;
    /**
     * Per layer the gate weights packed at construction ({@link RecurrentCell#pack}; an entry is null for a cell
     * without a packed path), then the head's weights and bias; or null once {@link #parameters()} has handed out
     * the live array: from then on the array may change under the copy, so steps read the array itself. Packed
     * products sum each output in one order whatever the batch, so a key's forecast does not depend on the keys
     * stepped with it (the model service's micro-batches rely on that: {@code Stepper#batchInvariant}).
     */
    private volatile PackedMatrix[] packed;

    public Forecaster(ModelSpec spec, float[] params, Kernels kernels) {
        if (params.length != spec.parameterCount()) {
            throw new IllegalArgumentException("model " + spec + " needs " + spec.parameterCount()
                    + " parameters, got " + params.length);
        }
        this.spec = spec;
        this.kernels = kernels;
        this.params = params;
        this.cells = new RecurrentCell[spec.layers()];
        this.cellOffsets = new int[spec.layers()];
        int off = 0;
        for (int l = 0; l < spec.layers(); l++) {
            cells[l] = newCell(spec.cell(), spec.layerInput(l), spec.hidden());
            cellOffsets[l] = off;
            off += cells[l].parameterCount();
        }
        this.headWeights = off;
        this.headBias = off + spec.hidden() * 2 * spec.horizon();
        if (headBias + 2 * spec.horizon() != params.length) {
            throw new IllegalStateException("cell parameter counts disagree with ModelSpec.tensors() for " + spec);
        }
        this.packed = packAll();
    }

    private PackedMatrix[] packAll() {
        PackedMatrix[] p = new PackedMatrix[cells.length + 1];
        for (int l = 0; l < cells.length; l++) {
            p[l] = cells[l].pack(kernels, params, cellOffsets[l]);
        }
        p[cells.length] = kernels.pack(params, headWeights, outputSize(), outputSize(), spec.hidden(), params, headBias);
        return p;
    }

    /** A freshly initialised network (Glorot weights, forget bias 1, a near-zero head), deterministic for a seed. */
    public static Forecaster initialize(ModelSpec spec, long seed, Kernels kernels) {
        float[] params = new float[spec.parameterCount()];
        Forecaster f = new Forecaster(spec, params, kernels);
        SplittableRandom random = new SplittableRandom(seed);
        for (int l = 0; l < spec.layers(); l++) {
            f.cells[l].initialize(params, f.cellOffsets[l], random);
        }
        RecurrentCell.glorot(params, f.headWeights, spec.hidden() * 2 * spec.horizon(), spec.hidden(), 2 * spec.horizon(), random);
        // A near-zero head starts the network at persistence (the means are residual over the input level).
        for (int i = f.headWeights; i < f.headBias; i++) {
            params[i] *= 0.01f;
        }
        f.packed = f.packAll(); // the constructor packed the zeros
        return f;
    }

    static RecurrentCell newCell(CellType type, int inputs, int hidden) {
        return switch (type) {
            case LSTM -> new LstmCell(inputs, hidden);
            case GRU -> new GruCell(inputs, hidden);
            case PEEPHOLE_LSTM -> new PeepholeLstmCell(inputs, hidden);
        };
    }

    public ModelSpec spec() {
        return spec;
    }

    public Kernels kernels() {
        return kernels;
    }

    /**
     * The live parameter array (not a copy), for in-place updates. Since the caller may now change it, steps stop
     * using the weights packed at construction and read this array from here on (slower for large batches); a
     * model only served, never trained, should not call this.
     */
    public float[] parameters() {
        packed = null;
        return params;
    }

    /** Floats of head output per key: K means then K log-scales. */
    public int outputSize() {
        return 2 * spec.horizon();
    }

    /** Per-layer state arrays for {@code batch} keys, zero (the start state of a new series). */
    public float[][] newStates(int batch) {
        float[][] s = new float[spec.layers()][];
        for (int l = 0; l < s.length; l++) {
            s[l] = new float[batch * spec.stateSizePerLayer()];
        }
        return s;
    }

    /** What one step keeps for backward (and scratch for inference), for up to {@code maxBatch} keys. */
    public StepCaches newCache(int maxBatch) {
        var layers = new org.forecaster.core.cell.StepCache[spec.layers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = cells[l].newCache(maxBatch);
        }
        return new StepCaches(layers, new float[maxBatch * spec.hidden()], new float[maxBatch * outputSize()], maxBatch);
    }

    /**
     * Advances {@code batch} keys one step in place and writes the head's outputs.
     *
     * @param x      {@code batch x inputSize} features, row stride {@code ldx}
     * @param states per layer {@code batch x stateSizePerLayer}, updated in place
     * @param out    {@code batch x outputSize()}, overwritten
     * @param cache  records the step; pass the same one every step for inference
     */
    public void step(int batch, float[] x, int xOff, int ldx, float[][] states, float[] out, int outOff, StepCaches cache) {
        step(batch, x, xOff, ldx, states, out, outOff, cache, null, 0);
    }

    /**
     * As {@link #step(int, float[], int, int, float[][], float[], int, StepCaches)}, with the means residual over
     * {@code base[baseOff + b*K + k]} (per key and horizon step, normalised) instead of over the input value: a
     * model with a season lag is residual over the seasonal-naive forecast (see {@link Features#seasonalOffset}).
     * {@code base == null} keeps the input value as the base.
     */
    public void step(int batch, float[] x, int xOff, int ldx, float[][] states, float[] out, int outOff, StepCaches cache,
                     float[] base, int baseOff) {
        if (batch > cache.maxBatch()) {
            throw new IllegalArgumentException("batch " + batch + " exceeds cache capacity " + cache.maxBatch());
        }
        int h = spec.hidden(), s = spec.stateSizePerLayer();
        float[] in = x;
        int inOff = xOff, inLd = ldx;
        PackedMatrix[] p = packed;
        for (int l = 0; l < cells.length; l++) {
            cells[l].forward(kernels, params, cellOffsets[l], p == null ? null : p[l], in, inOff, inLd, states[l],
                    states[l], batch, cache.layers()[l]);
            in = states[l];
            inOff = 0;
            inLd = s;
        }
        float[] top = states[cells.length - 1];
        float[] hTop = cache.hTop();
        for (int b = 0; b < batch; b++) {
            System.arraycopy(top, b * s, hTop, b * h, h);
        }
        applyHead(p == null ? null : p[cells.length], batch, hTop, 0, x, xOff, ldx, out, outOff, base, baseOff);
    }

    /**
     * The head's outputs for one key whose top layer has just been advanced, without advancing anything: exactly
     * what {@link #step} wrote for that key (same arithmetic as a batch of one). {@code h[hOff ..]} is the top
     * layer's hidden state ({@code hidden} floats: the first part of that layer's state), {@code x[xOff]} the
     * step's input value (the means' base when {@code base} is null), {@code base[baseOff ..]} the K seasonal
     * bases otherwise. Writes {@link #outputSize()} floats at {@code out[outOff]}; reads nothing else.
     */
    public void head(float[] h, int hOff, float[] x, int xOff, float[] out, int outOff, float[] base, int baseOff) {
        PackedMatrix[] p = packed;
        applyHead(p == null ? null : p[cells.length], 1, h, hOff, x, xOff, 0, out, outOff, base, baseOff);
    }

    /** Bias, dense layer over the hidden states ({@code batch} rows of {@code hidden} from {@code hOff}), then the means' base. */
    private void applyHead(PackedMatrix packedHead, int batch, float[] hTop, int hOff, float[] x, int xOff, int ldx,
                           float[] out, int outOff, float[] base, int baseOff) {
        int h = spec.hidden(), o = outputSize();
        if (packedHead != null) {
            kernels.gemmPacked(packedHead, hTop, hOff, h, out, outOff, o, batch);
        } else {
            for (int b = 0; b < batch; b++) {
                System.arraycopy(params, headBias, out, outOff + b * o, o);
            }
            kernels.gemm(params, headWeights, o, o, h, hTop, hOff, h, out, outOff, o, batch);
        }
        int horizon = spec.horizon();
        for (int b = 0; b < batch; b++) {
            if (base == null) {
                float level = x[xOff + b * ldx];
                for (int k = 0; k < horizon; k++) {
                    out[outOff + b * o + k] += level;
                }
            } else {
                for (int k = 0; k < horizon; k++) {
                    out[outOff + b * o + k] += base[baseOff + b * horizon + k];
                }
            }
        }
    }

    /**
     * Backpropagates the step recorded in {@code cache}. {@code dOut} is the loss gradient with respect to
     * that step's head output ({@code batch x outputSize()}); {@code dStates} holds, per layer, the gradient
     * with respect to this step's output state arriving from the next step, and is replaced by the gradient
     * with respect to the previous step's state. {@code scratch} is from {@link #newGradientScratch(int)}.
     * Parameter gradients are added into {@code grads}.
     */
    public void backwardStep(StepCaches cache, float[] dOut, float[][] dStates, float[][] scratch, float[] grads) {
        int batch = cache.layers()[0].batch();
        int h = spec.hidden(), s = spec.stateSizePerLayer(), o = outputSize();
        int top = cells.length - 1;
        float[] hTop = cache.hTop();
        for (int b = 0; b < batch; b++) {
            kernels.axpy(1f, dOut, b * o, grads, headBias, o);
            kernels.addOuter(grads, headWeights, o, o, h, hTop, b * h, dOut, b * o);
            kernels.gemvTransposed(params, headWeights, o, o, h, dOut, b * o, dStates[top], b * s);
        }
        float[] discardDx = scratch[cells.length];
        for (int l = top; l >= 0; l--) {
            float[] dx = l > 0 ? dStates[l - 1] : discardDx;
            int lddx = l > 0 ? s : spec.inputSize();
            cells[l].backward(kernels, params, cellOffsets[l], cache.layers()[l], dStates[l], scratch[l], dx, 0, lddx, grads);
            float[] t = dStates[l];
            dStates[l] = scratch[l];
            scratch[l] = t;
        }
    }

    /** Scratch for {@link #backwardStep}: one state-sized array per layer plus one for the input gradient. */
    public float[][] newGradientScratch(int maxBatch) {
        float[][] s = new float[spec.layers() + 1][];
        for (int l = 0; l < spec.layers(); l++) {
            s[l] = new float[maxBatch * spec.stateSizePerLayer()];
        }
        s[spec.layers()] = new float[maxBatch * spec.inputSize()];
        return s;
    }
}
