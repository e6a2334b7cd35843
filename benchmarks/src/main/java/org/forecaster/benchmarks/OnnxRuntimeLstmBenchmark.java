package org.forecaster.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The baseline: one LSTM time step for {@code batch} keys through ONNX Runtime's CPU {@code LSTM}
 * operator, on one intra-op thread so that it compares per core with our cell.
 *
 * <p>Score: <b>ns per call</b> (one step of the whole batch); divide by {@code batch} for ns per key-step.
 * FLOPs per call, counting only the gate GEMM: {@code 2 * 4H * (I+H) * batch}, so
 * {@code GFLOP/s = 8H(I+H)*batch / score}.
 *
 * <p>The model is generated in setup ({@link OnnxLstmModel}: hand-encoded ModelProto, weights from
 * {@link LstmReference}), and one run is checked against {@link LstmReference#step} (max abs error 1e-4)
 * before timing: a wrong gate mapping fails the benchmark instead of timing the wrong thing.
 *
 * <p>Allocation: input tensors wrap direct buffers created once, and outputs are pinned to pre-allocated
 * tensors, so ONNX Runtime copies no data in or out. The Java binding still allocates a small
 * {@code OrtSession.Result} and its arrays on every {@code run}; {@code -prof gc} shows how much. The state is
 * not fed back between calls: the operator's cost does not depend on the values, and feeding back would
 * add a copy of {@code 2*batch*H} floats that the in-place cell does not pay.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class OnnxRuntimeLstmBenchmark {

    static final int INPUT = 8;
    static final double TOLERANCE = 1e-4;

    @Param({"32", "64", "128", "256"})
    int hidden;

    @Param({"1", "16", "64", "256"})
    int batch;

    private OrtEnvironment env;
    private OrtSession session;
    private OrtSession.SessionOptions options;
    private OnnxTensor x;
    private OnnxTensor h0;
    private OnnxTensor c0;
    private OnnxTensor yh;
    private OnnxTensor yc;
    private Map<String, OnnxTensor> inputs;
    private Map<String, OnnxTensor> outputs;
    // The direct buffers behind Y_h and Y_c: read these, since OnnxTensor.getFloatBuffer() returns a copy.
    private FloatBuffer yhBuffer;
    private FloatBuffer ycBuffer;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        LstmReference cell = new LstmReference(INPUT, hidden, 1);
        env = OrtEnvironment.getEnvironment();
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1); // per-core comparable; no thread pool wake-ups in the timing
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        session = env.createSession(OnnxLstmModel.encode(cell, batch), options);

        float[] xs = LstmReference.randomVector(batch * INPUT, 2);
        float[] hs = LstmReference.randomVector(batch * hidden, 3);
        float[] cs = LstmReference.randomVector(batch * hidden, 4);
        x = tensor(xs, 1, batch, INPUT);
        h0 = tensor(hs, 1, batch, hidden);
        c0 = tensor(cs, 1, batch, hidden);
        yhBuffer = directBuffer(batch * hidden);
        ycBuffer = directBuffer(batch * hidden);
        yh = OnnxTensor.createTensor(env, yhBuffer, new long[] {1, batch, hidden});
        yc = OnnxTensor.createTensor(env, ycBuffer, new long[] {1, batch, hidden});
        inputs = Map.of("X", x, "initial_h", h0, "initial_c", c0);
        outputs = Map.of("Y_h", yh, "Y_c", yc);

        step();
        float[] hWant = new float[batch * hidden];
        float[] cWant = new float[batch * hidden];
        cell.step(xs, hs, cs, batch, hWant, cWant);
        check("Y_h", hWant, yhBuffer);
        check("Y_c", cWant, ycBuffer);
    }

    /** One LSTM step of {@code batch} keys; results land in the pinned Y_h and Y_c tensors. */
    @Benchmark
    public float step() throws OrtException {
        try (OrtSession.Result ignored = session.run(inputs, outputs)) {
            // Pinned outputs are not owned by the result, so closing it frees only the Java wrapper.
            return yhBuffer.get(0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        for (OnnxTensor t : new OnnxTensor[] {x, h0, c0, yh, yc}) {
            if (t != null) {
                t.close();
            }
        }
        if (session != null) {
            session.close();
        }
        if (options != null) {
            options.close();
        }
    }

    /** A tensor over a direct native-order buffer, which ONNX Runtime uses in place instead of copying. */
    private OnnxTensor tensor(float[] values, long... shape) throws OrtException {
        FloatBuffer buffer = directBuffer(values.length);
        buffer.put(values).flip();
        return OnnxTensor.createTensor(env, buffer, shape);
    }

    private static FloatBuffer directBuffer(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private void check(String name, float[] want, FloatBuffer got) {
        float[] actual = new float[want.length];
        got.get(0, actual);
        double diff = LstmReference.maxAbsDiff(want, actual, want.length);
        if (!(diff <= TOLERANCE)) { // also catches NaN
            throw new IllegalStateException("ONNX Runtime LSTM " + name + " differs from the reference by " + diff
                    + " (tolerance " + TOLERANCE + ") at hidden " + hidden + ", batch " + batch);
        }
    }
}
