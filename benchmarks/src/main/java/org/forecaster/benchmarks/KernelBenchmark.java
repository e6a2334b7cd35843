package org.forecaster.benchmarks;

import java.util.concurrent.TimeUnit;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.PackedMatrix;
import org.forecaster.core.kernel.KernelsProvider;
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
 * The LSTM gate products through {@link Kernels}: a weight matrix of {@code rows = 4H} outputs and
 * {@code cols = I+H} inputs ({@code I = 8}), input-major with {@code ld = rows}, as the cell stores it.
 *
 * <p>Score: <b>ns per call</b>. One call is {@code 2 * rows * cols * batch} FLOPs ({@code batch = 1} for
 * {@link #gemv}), so {@code GFLOP/s = 2 * 4H * (8+H) * batch / score}; divided by the
 * {@link FmaPeakBenchmark#registers} figure in GFLOP/s it is the fraction of peak. Example: H = 64 gemv is
 * 2*256*72 = 36,864 FLOPs; at 1,000 ns that is 36.9 GFLOP/s.
 *
 * <p>{@code y} accumulates across calls as the kernels define; with weights of ±1/sqrt(H) and inputs in
 * ±1 it drifts like a random walk and stays far from overflow or subnormals.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class KernelBenchmark {

    static final int INPUT = 8;

    /** {@code scalar} (the reference loops) or {@code vector} (Vector API on SPECIES_PREFERRED). */
    @Param({"scalar", "vector"})
    String impl;

    @Param({"32", "64", "128", "256"})
    int hidden;

    Kernels kernels;
    int rows;
    int cols;
    float[] w;
    float[] x;
    float[] y;
    /** {@code w} packed once for {@link #gemmPacked} (no bias). */
    PackedMatrix packed;

    /** The batch size, only for {@link #gemm}: JMH varies a parameter only for benchmarks using its state. */
    @State(Scope.Thread)
    public static class Batch {
        @Param({"1", "16", "64", "256"})
        int batch;

        float[] x;
        float[] y;

        @Setup(Level.Trial)
        public void setUp(KernelBenchmark shape) {
            x = LstmReference.randomVector(batch * shape.cols, 12);
            y = new float[batch * shape.rows];
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        kernels = kernels(impl);
        rows = 4 * hidden;
        cols = INPUT + hidden;
        float scale = (float) (1.0 / Math.sqrt(hidden));
        w = LstmReference.randomVector(rows * cols, 10);
        for (int k = 0; k < w.length; k++) {
            w[k] *= scale;
        }
        x = LstmReference.randomVector(cols, 11);
        y = new float[rows];
        packed = kernels.pack(w, 0, rows, rows, cols, null, 0);
    }

    /** One key: {@code y += W x}. */
    @Benchmark
    public float[] gemv() {
        kernels.gemv(w, 0, rows, rows, cols, x, 0, y, 0);
        return y;
    }

    /** {@code batch} keys at once, each weight vector loaded once for all keys. */
    @Benchmark
    public float[] gemm(Batch b) {
        kernels.gemm(w, 0, rows, rows, cols, b.x, 0, cols, b.y, 0, rows, b.batch);
        return b.y;
    }

    /** {@code batch} keys through the packed weights (overwriting {@code y}): the serving path's gate product. */
    @Benchmark
    public float[] gemmPacked(Batch b) {
        kernels.gemmPacked(packed, b.x, 0, cols, b.y, 0, rows, b.batch);
        return b.y;
    }

    /**
     * The named implementation, refusing the provider's silent fallback: a fork started without
     * {@code --add-modules jdk.incubator.vector} would otherwise report scalar times labelled vector.
     */
    static Kernels kernels(String impl) {
        Kernels k = KernelsProvider.named(impl);
        if (!k.name().startsWith(impl)) {
            throw new IllegalStateException("asked for '" + impl + "' kernels but got '" + k.name()
                    + "': is --add-modules jdk.incubator.vector missing from the forked JVM?");
        }
        return k;
    }
}
