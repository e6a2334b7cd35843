package org.forecaster.benchmarks;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The practical single-thread FP32 FMA ceilings of this machine, the yardstick for every kernel figure.
 *
 * <p>Unit: <b>one operation = one vector FMA instruction</b> on {@link FloatVector#SPECIES_PREFERRED}.
 * Convert with
 * <pre>
 *   GFLOP/s = score[ops/s] * lanes * 2 / 1e9
 * </pre>
 * where {@code lanes = SPECIES_PREFERRED.length()} (16 for 512-bit AVX-512, 8 for AVX2; printed by each fork
 * at setup) and 2 counts the multiply and the add of a fused multiply-add. Example: 3.0e9 ops/s with 16
 * lanes is 96 GFLOP/s.
 *
 * <ul>
 *   <li>{@link #registers}: {@value #CHAINS} independent FMA chains that never leave registers. An FMA has
 *       a latency of about 4 cycles and two issue ports on recent x86 cores, so at least 8 chains are needed
 *       to keep both ports busy; 12 leaves slack. This is the compute peak.</li>
 *   <li>{@link #latencyBound}: one dependent chain, the FMA latency: what a reduction with a single
 *       accumulator gets (why the kernels keep several).</li>
 *   <li>{@link #oneLoadPerFma}: each FMA takes one operand from an L1-resident array, the best case of the
 *       input-major gemv inner loop when the outputs stay in registers (w loaded, x broadcast).</li>
 *   <li>{@link #loadStorePerFma}: {@code y[i] = fma(y[i], a, w[i])} over L1-resident arrays: two loads and
 *       a store per FMA, the ceiling of a gemv that keeps its outputs in memory.</li>
 * </ul>
 *
 * <p>Do not expect {@code oneLoadPerFma} to reach {@code registers}: on the 2-core Sapphire Rapids VM this
 * was written on it reached about 38% of it with 512-bit vectors, and a C loop of {@code vfmadd231ps} with
 * a memory operand measured the same (about one 64-byte load per cycle), so the limit is the L1 load
 * path, not the JIT. That ceiling, not the register peak, bounds a gemv.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class FmaPeakBenchmark {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Independent accumulators in {@link #registers}. */
    static final int CHAINS = 12;
    /** Rounds of {@link #CHAINS} FMAs per invocation: long enough that loop and call overhead vanish. */
    static final int ROUNDS = 4096;
    /**
     * Vectors per streamed array: 128 vectors of 64 bytes (AVX-512) are 8 KiB, so w and y of
     * {@link #loadStorePerFma} sit together in any 32+ KiB L1d. Counting in vectors keeps the op unit the
     * same for every species.
     */
    static final int STREAM_VECTORS = 128;
    /** Passes over the array per invocation of the streaming variants. */
    static final int PASSES = 16;

    // Fields, not constants: the JIT must not see the operands. |a| < 1 keeps acc = acc*a + b converging to
    // b/(1-a), so no chain overflows or drifts into (slow) subnormals however long it runs.
    float a = 0.999f;
    float b = 0.001f;
    float[] w;
    float[] y;

    @Setup
    public void setUp() {
        int n = STREAM_VECTORS * S.length();
        w = new float[n];
        y = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = 1e-3f * (1 + i % 7);
        }
        System.out.println("# " + S + ": GFLOP/s = ops/s * " + S.length() + " lanes * 2 / 1e9");
    }

    /** Compute peak: {@value #CHAINS} register-resident FMA chains, no memory traffic. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS * CHAINS)
    public float registers() {
        FloatVector va = FloatVector.broadcast(S, a), vb = FloatVector.broadcast(S, b);
        FloatVector c0 = vb, c1 = vb.add(va), c2 = c1.add(va), c3 = c2.add(va), c4 = c3.add(va), c5 = c4.add(va);
        FloatVector c6 = c5.add(va), c7 = c6.add(va), c8 = c7.add(va), c9 = c8.add(va), c10 = c9.add(va);
        FloatVector c11 = c10.add(va);
        for (int i = 0; i < ROUNDS; i++) {
            c0 = c0.fma(va, vb);
            c1 = c1.fma(va, vb);
            c2 = c2.fma(va, vb);
            c3 = c3.fma(va, vb);
            c4 = c4.fma(va, vb);
            c5 = c5.fma(va, vb);
            c6 = c6.fma(va, vb);
            c7 = c7.fma(va, vb);
            c8 = c8.fma(va, vb);
            c9 = c9.fma(va, vb);
            c10 = c10.fma(va, vb);
            c11 = c11.fma(va, vb);
        }
        // One lane of the sum is enough to keep every chain live; JMH consumes the returned value.
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .lane(0);
    }

    /** One dependent chain: throughput = 1 / FMA latency. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public float latencyBound() {
        FloatVector va = FloatVector.broadcast(S, a), vb = FloatVector.broadcast(S, b);
        FloatVector c = vb;
        for (int i = 0; i < ROUNDS; i++) {
            c = c.fma(va, vb);
        }
        return c.lane(0);
    }

    /**
     * One load per FMA: eight chains, each FMA multiplies a vector loaded from {@code w} by a broadcast
     * scalar and accumulates in a register.
     */
    @Benchmark
    @OperationsPerInvocation(PASSES * STREAM_VECTORS)
    public float oneLoadPerFma() {
        FloatVector va = FloatVector.broadcast(S, a);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        float[] w = this.w;
        int lanes = S.length(), step = 8 * lanes, n = w.length;
        for (int p = 0; p < PASSES; p++) {
            for (int i = 0; i < n; i += step) {
                c0 = FloatVector.fromArray(S, w, i).fma(va, c0);
                c1 = FloatVector.fromArray(S, w, i + lanes).fma(va, c1);
                c2 = FloatVector.fromArray(S, w, i + 2 * lanes).fma(va, c2);
                c3 = FloatVector.fromArray(S, w, i + 3 * lanes).fma(va, c3);
                c4 = FloatVector.fromArray(S, w, i + 4 * lanes).fma(va, c4);
                c5 = FloatVector.fromArray(S, w, i + 5 * lanes).fma(va, c5);
                c6 = FloatVector.fromArray(S, w, i + 6 * lanes).fma(va, c6);
                c7 = FloatVector.fromArray(S, w, i + 7 * lanes).fma(va, c7);
            }
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).lane(0);
    }

    /**
     * Two loads and one store per FMA, the in-memory gemv update. Written {@code y[i] = y[i]*a + w[i]}
     * rather than {@code y[i] += w[i]*a} so that y converges to {@code w/(1-a)} instead of growing without
     * bound over billions of calls; the memory traffic is the same.
     */
    @Benchmark
    @OperationsPerInvocation(PASSES * STREAM_VECTORS)
    public void loadStorePerFma() {
        FloatVector va = FloatVector.broadcast(S, a);
        float[] w = this.w, y = this.y;
        int lanes = S.length(), n = y.length;
        for (int p = 0; p < PASSES; p++) {
            for (int i = 0; i < n; i += lanes) {
                FloatVector.fromArray(S, y, i).fma(va, FloatVector.fromArray(S, w, i)).intoArray(y, i);
            }
        }
    }
}
