package org.forecaster.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.forecaster.core.anomaly.AlertKinds;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.online.PointStep;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.KeyStateCodec;
import org.forecaster.core.state.StoredState;
import org.forecaster.core.wire.ForecastJsonWriter;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointBinary;
import org.forecaster.core.wire.PointReader;
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
 * One point for one key through the core calls the model service's {@code ForecastProcessor} makes per point, in
 * its order: decode the key's stored bytes ({@link StoredState}, codec v6 with novelty, alert kinds and the seasonal
 * profile) into the batch slot's pooled state, step it as a batch of one ({@link PointStep#observe(int, String[], KeyState[], Instant[], double[],
 * long[], double[], double[])}: re-warm check, model step, novelty score, alert kinds with the window's events, alert rule, the
 * {@code ForecastRecord}), encode the new state into a fresh array (the one the store keeps).
 *
 * <p>Model as the service's default: one-layer LSTM, H = 64, K = 12, 5-minute step, ring of 48, the trainer's
 * 144-bin daily profile, the service's default rules (novelty score, alert kinds). A pool of {@code keys} warm keys
 * (400 points each: past the alert probation, full ring and novelty ring; 1,536 bytes in the store) is stepped round
 * robin, one op = one point of one key, and each key's new bytes replace its old ones as the store's put does.
 * Setup runs a few keys through the op and checks the decoded result equal to the same points stepped directly on
 * in-memory states, so a broken codec or step fails instead of being timed. Score: ns per point; with
 * {@code -prof gc}, B/op is the heap allocated per point.
 *
 * <p>{@code pointWithWire} adds what the processor does around it in our code: reading the binary point
 * ({@link PointReader#read(byte[], PointReader.Fields)}) and writing the forecast's JSON ({@link ForecastJsonWriter}); Kafka's own objects are not in it.
 * {@link #main} prints what each call allocates ({@code ThreadMXBean}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class PointPathBenchmark {
    static final int HIDDEN = 64, HORIZON = 12, RING = 48, MAX_GAP_STEPS = 288, WARM_POINTS = 400, COLD_STEPS = 24;
    static final int PROFILE_BINS = 144;
    static final long STEP_MILLIS = Duration.ofMinutes(5).toMillis();
    static final long MODEL_VERSION = 1;
    static final long T0 = 1_700_000_000_000L;

    @Param({"1000"})
    int keys;

    PointStep step;
    NoveltyScore.Spec novelty = NoveltyScore.Spec.DEFAULT;
    AlertKinds.Spec kinds = AlertKinds.Spec.DEFAULT;
    /** The store: each key's value bytes. */
    byte[][] stored;
    /** Each key's binary point record (one per key, as ingest writes it; re-read each op). */
    byte[][] points;
    String[] names;
    /** Each key's next point index (its timestamp is {@code T0 + index * step}). */
    long[] nextPoint;
    int key;
    /** The processor's per-batch arrays, at a batch of one. */
    final String[] batchKeys = new String[1];
    final KeyState[] batchStates = new KeyState[1];
    final Instant[] batchStarts = new Instant[1];
    final double[] batchMeans = new double[1], batchMins = new double[1], batchMaxs = new double[1];
    final long[] batchCounts = new long[1];
    final ForecastJsonWriter json = new ForecastJsonWriter();
    /** The processor's pooled state of the batch slot, which each point's stored bytes are decoded into. */
    KeyState pooled;
    /** The processor's reused encode and decode buffer. */
    final StoredState.Buffer buffer = new StoredState.Buffer();
    /** The processor's reused point fields, which each record is read into. */
    final PointReader.Fields fields = new PointReader.Fields();

    @Setup(Level.Trial)
    public void setUp() {
        ModelSpec spec = ModelSpec.withProfile(CellType.LSTM, 1, Features.count(0, PROFILE_BINS), HIDDEN, HORIZON,
                PROFILE_BINS, Duration.ofDays(1).toMillis());
        Forecaster model = Forecaster.initialize(spec, 7, KernelsProvider.get());
        step = new PointStep(model, NormalizerSpec.DEFAULT, STEP_MILLIS, MODEL_VERSION, new PointStep.Rules(0.95,
                MAX_GAP_STEPS, RING, COLD_STEPS, Duration.ofDays(1).toMillis(), novelty, AlertRule.NOVELTY_DEFAULT, kinds));
        step.reserveBatch(1);
        stored = new byte[keys][];
        points = new byte[keys][];
        names = new String[keys];
        nextPoint = new long[keys];
        KeyState[] direct = new KeyState[keys];
        for (int k = 0; k < keys; k++) {
            names[k] = "series-" + k;
            KeyState s = step.newState();
            for (int i = 0; i < WARM_POINTS; i++) {
                stepDirect(s, k, i);
            }
            nextPoint[k] = WARM_POINTS;
            stored[k] = StoredState.encode(s, T0);
            points[k] = PointBinary.write(new Point(names[k], Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + STEP_MILLIS),
                    30, value(k, 0), value(k, 0) - 3, value(k, 0) + 4, value(k, 0)));
            direct[k] = s;
        }
        check(direct);
    }

    /** A few points of the first keys through the op must decode to the same states as stepping them directly. */
    private void check(KeyState[] direct) {
        int checked = Math.min(keys, 16);
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < checked; k++) {
                key = k;
                point();
                stepDirect(direct[k], k, nextPoint[k] - 1);
            }
        }
        for (int k = 0; k < checked; k++) {
            KeyState viaBytes = StoredState.decode(stored[k], novelty, kinds);
            if (!viaBytes.equals(direct[k]) || viaBytes.novelty == null || viaBytes.kinds == null || viaBytes.profile == null) {
                throw new IllegalStateException("key " + k + ": state after decode, step, encode differs from stepping it"
                        + " directly");
            }
            if (stored[k].length != StoredState.PREFIX + KeyStateCodec.encodedSize(direct[k])) {
                throw new IllegalStateException("key " + k + ": stored " + stored[k].length + " bytes");
            }
        }
        key = 0;
    }

    /** The same step on an in-memory state, without the bytes in between. */
    private void stepDirect(KeyState s, int k, long i) {
        step.observe(names[k], s, Instant.ofEpochMilli(T0 + i * STEP_MILLIS), value(k, i), SCRAPES, low(k, i), high(k, i));
    }

    /** Gaussian noise read by index, so that making a value allocates nothing in the op. */
    static final double[] NOISE = noise(4096);

    private static double[] noise(int n) {
        SplittableRandom random = new SplittableRandom(3);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextGaussian();
        }
        return out;
    }

    /** A daily cycle with noise, different per key; deterministic so the check can repeat it. */
    static double value(int k, long i) {
        return 50 + 10 * Math.sin(2 * Math.PI * i / 288.0 + k) + 2 * NOISE[(int) ((k * 7919L + i) % NOISE.length)];
    }

    /** Scrapes per window. */
    static final long SCRAPES = 5;

    /** The window's lowest and highest event around its mean. */
    static double low(int k, long i) {
        return value(k, i) - 3 - Math.abs(NOISE[(int) ((k * 104729L + i) % NOISE.length)]);
    }

    static double high(int k, long i) {
        return value(k, i) + 2 + Math.abs(NOISE[(int) ((k * 15485863L + i) % NOISE.length)]);
    }

    /** The point's key, time and values into the batch of one, as the processor gathers it. */
    private int gather() {
        int k = key;
        key = k + 1 == keys ? 0 : k + 1;
        long i = nextPoint[k]++;
        batchKeys[0] = names[k];
        batchStarts[0] = Instant.ofEpochMilli(T0 + i * STEP_MILLIS); // the processor has the point's parsed Instant
        batchMeans[0] = value(k, i);
        batchCounts[0] = SCRAPES;
        batchMins[0] = low(k, i);
        batchMaxs[0] = high(k, i);
        return k;
    }

    /** Decode, step, encode: the op without its point's reading and JSON. */
    private PointStep.Outcome stepStored(int k) {
        KeyState state = buffer.decode(stored[k], novelty, kinds, pooled);
        pooled = state;
        batchStates[0] = state;
        PointStep.Outcome out = step.observe(1, batchKeys, batchStates, batchStarts, batchMeans, batchCounts, batchMins, batchMaxs)[0];
        stored[k] = buffer.encode(out.state(), T0);
        return out;
    }

    @Benchmark
    public byte[] point() {
        int k = gather();
        stepStored(k);
        return stored[k];
    }

    @Benchmark
    public byte[] pointWithWire() {
        PointReader.read(points[key], fields);
        int k = gather(); // its Instant is the new point's time: counted twice with the read point's own (24 B)
        byte[] out = json.write(stepStored(k).forecast());
        return fields.mean() < 0 ? null : out;
    }

    /**
     * What each call of the op allocates, in bytes per point (averaged over {@code points} after a warm-up, so the
     * JIT's escape analysis has run): {@code java -cp benchmarks.jar org.forecaster.benchmarks.PointPathBenchmark}.
     */
    public static void main(String[] args) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PointPathBenchmark b = new PointPathBenchmark();
        b.keys = 1000;
        b.setUp();
        int points = 200_000;
        for (int round = 0; round < 3; round++) {
            long read = 0, decode = 0, observe = 0, encode = 0, write = 0, empty = 0;
            for (int n = 0; n < points; n++) {
                long t0 = mx.getCurrentThreadAllocatedBytes();
                long t1 = mx.getCurrentThreadAllocatedBytes();
                PointReader.read(b.points[b.key], b.fields);
                long t2 = mx.getCurrentThreadAllocatedBytes();
                int k = b.gather();
                long t3 = mx.getCurrentThreadAllocatedBytes();
                KeyState state = b.buffer.decode(b.stored[k], b.novelty, b.kinds, b.pooled);
                b.pooled = state;
                long t4 = mx.getCurrentThreadAllocatedBytes();
                b.batchStates[0] = state;
                PointStep.Outcome out = b.step.observe(1, b.batchKeys, b.batchStates, b.batchStarts, b.batchMeans, b.batchCounts, b.batchMins, b.batchMaxs)[0];
                long t5 = mx.getCurrentThreadAllocatedBytes();
                b.stored[k] = b.buffer.encode(out.state(), T0);
                long t6 = mx.getCurrentThreadAllocatedBytes();
                byte[] j = b.json.write(out.forecast());
                long t7 = mx.getCurrentThreadAllocatedBytes();
                empty += t1 - t0;
                read += t2 - t1;
                decode += t4 - t3;
                observe += t5 - t4;
                encode += t6 - t5;
                write += t7 - t6;
                if (b.fields.mean() < 0 || j.length == 0) {
                    throw new AssertionError();
                }
            }
            double e = (double) empty / points;
            System.out.printf("round %d, B per point (less %.0f B per reading): read point %.0f, decode %.0f, observe"
                            + " %.0f, encode %.0f, forecast JSON %.0f; stored %d B, JSON %d B%n", round, e,
                    read / (double) points - e, decode / (double) points - e, observe / (double) points - e,
                    encode / (double) points - e, write / (double) points - e, b.stored[0].length,
                    b.json.write(b.step.latestForecast(b.names[0], StoredState.decode(b.stored[0], b.novelty, b.kinds))).length);
        }
    }
}
