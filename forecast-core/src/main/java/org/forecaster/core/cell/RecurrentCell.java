package org.forecaster.core.cell;

import java.util.SplittableRandom;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.PackedMatrix;

/**
 * One recurrent layer: a pure function of its parameters that advances {@code batch} keys by one step.
 * The cell holds only its shape; parameters, states and gradients live in caller-owned flat arrays
 * (layout of {@link org.forecaster.core.model.ModelSpec#tensors()}), so one cell serves every key and
 * every thread (each thread with its own {@link StepCache}).
 *
 * <p>States are {@code batch x stateSize()} row-major, each key's row starting with {@code h}
 * (then {@code c} for the LSTM family), so the layer above reads {@code h} with stride {@code stateSize()}.
 */
public interface RecurrentCell {

    /** Features per step read from {@code x}. */
    int inputSize();

    /** H. */
    int hiddenSize();

    /** Floats of state per key: H for GRU, 2H (h then c) for the LSTM family. */
    int stateSize();

    /** Floats of parameters, starting at the {@code pOff} passed to every method. */
    int parameterCount();

    /** Glorot-uniform weights, zero biases except those a cell needs (LSTM forget gate 1). */
    void initialize(float[] params, int pOff, SplittableRandom random);

    /** A cache (and scratch) for up to {@code maxBatch} keys. */
    StepCache newCache(int maxBatch);

    /**
     * Advances {@code batch} keys one step. Reads {@code x[xOff + b*ldx + i]} for {@code i < inputSize()},
     * reads {@code stateIn} and writes {@code stateOut} ({@code batch x stateSize()}; they may be the same
     * array for in-place inference), and records what {@link #backward} needs in {@code cache}.
     */
    void forward(Kernels k, float[] params, int pOff, float[] x, int xOff, int ldx,
                 float[] stateIn, float[] stateOut, int batch, StepCache cache);

    /**
     * This cell's gate weights (and bias) packed once for {@link Kernels#gemmPacked} of {@code k}, to be passed to
     * {@link #forward(Kernels, float[], int, PackedMatrix, float[], int, int, float[], float[], int, StepCache)};
     * {@code null} when the cell has no packed path. Allocates a copy: call it at model load, and again after the
     * parameters change.
     */
    default PackedMatrix pack(Kernels k, float[] params, int pOff) {
        return null;
    }

    /**
     * {@link #forward(Kernels, float[], int, float[], int, int, float[], float[], int, StepCache)} with the gate
     * product read from {@code packed} (from {@link #pack} of the same {@code k} and parameters; {@code null}
     * steps unpacked). Records the same cache. Results may differ from the unpacked step by rounding only, and
     * each key's result does not depend on the batch it is stepped in.
     */
    default void forward(Kernels k, float[] params, int pOff, PackedMatrix packed, float[] x, int xOff, int ldx,
                         float[] stateIn, float[] stateOut, int batch, StepCache cache) {
        forward(k, params, pOff, x, xOff, ldx, stateIn, stateOut, batch, cache);
    }

    /**
     * Backpropagates the step last recorded in {@code cache}. Reads the loss gradient with respect to the
     * step's output state {@code dStateOut} ({@code batch x stateSize()}, left unchanged), writes the
     * gradient with respect to its input state into {@code dStateIn} (same shape, overwritten), adds the
     * gradient with respect to {@code x} into {@code dx[dxOff + b*lddx + i]}, and adds parameter gradients
     * into {@code grads} at the parameter offsets.
     */
    void backward(Kernels k, float[] params, int pOff, StepCache cache, float[] dStateOut, float[] dStateIn,
                  float[] dx, int dxOff, int lddx, float[] grads);

    /** Uniform in +-sqrt(6/(fanIn+fanOut)) for {@code count} floats (Glorot and Bengio 2010). */
    static void glorot(float[] a, int off, int count, int fanIn, int fanOut, SplittableRandom random) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < count; i++) {
            a[off + i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
    }
}
