package org.forecaster.benchmarks;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.online.ScoredStep;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.KeyStateCodec;
import org.forecaster.core.state.StoredState;
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
 * its order: decode the key's stored bytes, {@link Stepper#needsRewarm}, {@link ScoredStep#observe} (novelty score,
 * the service default), {@link AlertRule#update} for a warm key, encode the new state into a fresh array (the one
 * the store keeps).
 *
 * <p>The stored bytes are the store's value, written and read by {@link StoredState} as the model service does: an
 * 8-byte wall-clock stamp followed by {@link KeyStateCodec} v2. The rest (the point JSON, the forecast record and
 * its JSON, the Kafka record) is not in the op: see {@link WireJsonBenchmark} for the JSON.
 *
 * <p>Model as the service's benchmarks use it: one-layer LSTM, H = 64, K = 12, 5-minute step, ring of 48, season
 * of a day (does not fit the ring: no seasonal reference). A pool of {@code keys} warm keys (400 points each: past
 * the alert probation, full ring and novelty ring) is stepped round robin, one op = one point of one key, and each
 * key's new bytes replace its old ones as the store's put does. Setup runs a few keys through the op and checks the
 * decoded result equal to the same points stepped directly on in-memory states, so a broken codec or step fails
 * instead of being timed. Score: ns per point; with {@code -prof gc}, B/op is the heap allocated per point.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class PointPathBenchmark {
    static final int HIDDEN = 64, HORIZON = 12, RING = 48, MAX_GAP_STEPS = 288, WARM_POINTS = 400, COLD_STEPS = 24;
    static final long STEP_MILLIS = Duration.ofMinutes(5).toMillis();
    static final long MODEL_VERSION = 1;
    static final double INTERVAL_LEVEL = 0.95;
    static final long T0 = 1_700_000_000_000L;

    @Param({"1000"})
    int keys;

    Stepper stepper;
    NoveltyScore.Spec novelty = NoveltyScore.Spec.DEFAULT;
    AlertRule alertRule = AlertRule.NOVELTY_DEFAULT;
    int seasonSteps;
    /** The store: each key's value bytes. */
    byte[][] stored;
    /** Each key's next point index (its timestamp is {@code T0 + index * step}). */
    long[] nextPoint;
    int key;

    @Setup(Level.Trial)
    public void setUp() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, HIDDEN, HORIZON);
        Forecaster model = Forecaster.initialize(spec, 7, KernelsProvider.get());
        stepper = new Stepper(model, NormalizerSpec.DEFAULT, STEP_MILLIS, INTERVAL_LEVEL, MAX_GAP_STEPS, RING);
        seasonSteps = ScoredStep.seasonSteps(Duration.ofDays(1).toMillis(), STEP_MILLIS, RING);
        stored = new byte[keys][];
        nextPoint = new long[keys];
        KeyState[] direct = new KeyState[keys];
        for (int k = 0; k < keys; k++) {
            KeyState s = stepper.newState(MODEL_VERSION);
            s.novelty = new NoveltyScore(novelty);
            for (int i = 0; i < WARM_POINTS; i++) {
                stepDirect(s, k, i);
            }
            nextPoint[k] = WARM_POINTS;
            stored[k] = StoredState.encode(s, T0);
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
            KeyState viaBytes = StoredState.decode(stored[k], novelty);
            if (!viaBytes.equals(direct[k]) || viaBytes.novelty == null) {
                throw new IllegalStateException("key " + k + ": state after decode, step, encode differs from stepping it"
                        + " directly");
            }
            if (stored[k].length != StoredState.PREFIX + KeyStateCodec.encodedSize(direct[k])) {
                throw new IllegalStateException("key " + k + ": stored " + stored[k].length + " bytes");
            }
        }
        key = 0;
    }

    /** The same calls as the op on an in-memory state, without the bytes in between. */
    private void stepDirect(KeyState s, int k, long i) {
        StepResult r = ScoredStep.observe(stepper, s, s.novelty, seasonSteps, T0 + i * STEP_MILLIS, value(k, i));
        if (s.steps >= COLD_STEPS) {
            alertRule.update(s, r.score);
        }
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

    @Benchmark
    public byte[] point() {
        int k = key;
        key = k + 1 == keys ? 0 : k + 1;
        long i = nextPoint[k]++;
        long ts = T0 + i * STEP_MILLIS;
        KeyState state = StoredState.decode(stored[k], novelty);
        if (stepper.needsRewarm(state, MODEL_VERSION)) { // the processor's check; never true here (one model)
            throw new IllegalStateException("key " + k + " was stored under another model");
        }
        StepResult r = ScoredStep.observe(stepper, state, state.novelty, seasonSteps, ts, value(k, i));
        if (state.steps >= COLD_STEPS) {
            alertRule.update(state, r.score);
        }
        byte[] next = StoredState.encode(state, ts);
        stored[k] = next;
        return next;
    }
}
