package org.forecaster.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.forecaster.core.cell.LstmCell;
import org.forecaster.core.cell.RecurrentCell;
import org.forecaster.core.cell.StepCache;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.PackedMatrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One forward step of our {@link LstmCell} ({@code I = 8}) for {@code batch} keys, state updated in place
 * as the serving path does it: the gate GEMM, activations and the cell update, through the chosen kernels.
 *
 * <p>Score: <b>ns per call</b>; divide by {@code batch} for ns per key-step. Compare with
 * {@link OnnxRuntimeLstmBenchmark} at the same {@code hidden} and {@code batch}: both do one LSTM step of
 * the whole batch on one thread. GEMM FLOPs per call are {@code 2 * 4H * (8+H) * batch}, as in
 * {@link KernelBenchmark}.
 *
 * <p>Setup checks one step against {@link LstmReference} (max abs error 1e-4) on the cell's own parameters.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class LstmStepBenchmark {

    static final int INPUT = 8;
    static final double TOLERANCE = 1e-4;

    /**
     * {@code scalar} or {@code vector} ({@link KernelBenchmark#kernels}), stepping with the unpacked gate matrix;
     * or {@code packed}: the vector kernels with the gate matrix packed once in setup (issue 18), as a served
     * {@code Forecaster} steps. Unpacked and packed in one run give the before/after of the packing.
     */
    @Param({"scalar", "vector", "packed"})
    String impl;

    @Param({"32", "64", "128", "256"})
    int hidden;

    @Param({"1", "16", "64", "256"})
    int batch;

    Kernels kernels;
    RecurrentCell cell;
    float[] params;
    float[] x;
    float[] state;
    StepCache cache;
    PackedMatrix packed;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = KernelBenchmark.kernels("packed".equals(impl) ? "vector" : impl);
        cell = new LstmCell(INPUT, hidden);
        params = new float[cell.parameterCount()];
        cell.initialize(params, 0, new SplittableRandom(1));
        // Non-zero biases so that the check also covers the bias path (initialize zeroes most of them).
        float[] bias = LstmReference.randomVector(4 * hidden, 5);
        System.arraycopy(bias, 0, params, (INPUT + hidden) * 4 * hidden, 4 * hidden);
        packed = "packed".equals(impl) ? cell.pack(kernels, params, 0) : null;
        cache = cell.newCache(batch);
        x = LstmReference.randomVector(batch * INPUT, 2);
        float[] h = LstmReference.randomVector(batch * hidden, 3);
        float[] c = LstmReference.randomVector(batch * hidden, 4);
        state = new float[batch * 2 * hidden];
        for (int b = 0; b < batch; b++) { // each key's row is [h, c]
            System.arraycopy(h, b * hidden, state, b * 2 * hidden, hidden);
            System.arraycopy(c, b * hidden, state, b * 2 * hidden + hidden, hidden);
        }

        step();
        float[] hWant = new float[batch * hidden];
        float[] cWant = new float[batch * hidden];
        LstmReference.ofCellParameters(INPUT, hidden, params, 0).step(x, h, c, batch, hWant, cWant);
        float[] hGot = new float[batch * hidden];
        float[] cGot = new float[batch * hidden];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(state, b * 2 * hidden, hGot, b * hidden, hidden);
            System.arraycopy(state, b * 2 * hidden + hidden, cGot, b * hidden, hidden);
        }
        double diff = Math.max(LstmReference.maxAbsDiff(hWant, hGot, hGot.length),
                LstmReference.maxAbsDiff(cWant, cGot, cGot.length));
        if (!(diff <= TOLERANCE)) { // also catches NaN
            throw new IllegalStateException("LstmCell with " + impl + " " + kernels.name() + " kernels differs from the reference by "
                    + diff + " (tolerance " + TOLERANCE + ") at hidden " + hidden + ", batch " + batch);
        }
    }

    /** One step of {@code batch} keys, state in place. */
    @Benchmark
    public float[] step() {
        cell.forward(kernels, params, 0, packed, x, 0, INPUT, state, state, batch, cache);
        return state;
    }
}
