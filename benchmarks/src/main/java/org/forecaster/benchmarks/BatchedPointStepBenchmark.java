package org.forecaster.benchmarks;

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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The model service's per-point step ({@link PointStep}: re-warm check, step, novelty score, alert kinds and rule,
 * forecast record) for {@code batch} distinct warm keys, one op = those points: {@code oneByOne} calls the per-key
 * step for each, {@code batched} steps them together through the batched kernels
 * ({@link PointStep#observe(int, String[], KeyState[], Instant[], double[])} at the full batch, whatever width
 * {@link PointStep#reserveBatch} allows exactly on this machine). Divide the score by {@code batch} for ns per point.
 * One-layer LSTM, H = 64, K = 12, ring of 48, the service's default rules; 1,024 keys round robin (no codec, no
 * Kafka: see {@link PointPathBenchmark} for the codec).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class BatchedPointStepBenchmark {
    static final int KEYS = 1024, WARM_POINTS = 400;
    static final long STEP_MILLIS = Duration.ofMinutes(5).toMillis();
    static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

    @Param({"1", "16", "64"})
    int batch;

    @Param({"64"})
    int hidden;

    PointStep step;
    String[] names = new String[KEYS];
    KeyState[] states = new KeyState[KEYS];
    long[] nextPoint = new long[KEYS];
    String[] batchNames;
    KeyState[] batchStates;
    Instant[] batchTs;
    double[] batchValues;
    int key;
    /** Keys stepped together exactly on this machine (printed once: 1 means the batched op is not bit-exact here). */
    int exactWidth;

    @Setup(Level.Trial)
    public void setUp() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, hidden, 12);
        Forecaster model = Forecaster.initialize(spec, 7, KernelsProvider.get());
        step = new PointStep(model, NormalizerSpec.DEFAULT, STEP_MILLIS, 1, new PointStep.Rules(0.95, 288, 48, 24,
                Duration.ofDays(1).toMillis(), NoveltyScore.Spec.DEFAULT, AlertRule.NOVELTY_DEFAULT, AlertKinds.Spec.DEFAULT));
        exactWidth = step.reserveBatch(batch);
        System.out.println("exact batch width on " + model.kernels().name() + ": " + exactWidth + " of " + batch);
        SplittableRandom r = new SplittableRandom(18);
        for (int k = 0; k < KEYS; k++) {
            names[k] = "series-" + k;
            states[k] = step.newState();
            for (int i = 0; i < WARM_POINTS; i++) {
                step.observe(names[k], states[k], T0.plusMillis(i * STEP_MILLIS), value(r, k, i));
            }
            nextPoint[k] = WARM_POINTS;
        }
        batchNames = new String[batch];
        batchStates = new KeyState[batch];
        batchTs = new Instant[batch];
        batchValues = new double[batch];
    }

    static double value(SplittableRandom r, int k, long i) {
        return 50 + 10 * Math.sin(2 * Math.PI * (i + k) / 288.0) + r.nextGaussian();
    }

    private final SplittableRandom noise = new SplittableRandom(42);

    /** The next {@code batch} keys round robin and their next points (the Instants are the point's, as parsed). */
    private void fill() {
        for (int j = 0; j < batch; j++) {
            int k = key;
            key = (key + 1) % KEYS;
            batchNames[j] = names[k];
            batchStates[j] = states[k];
            long i = nextPoint[k]++;
            batchTs[j] = T0.plusMillis(i * STEP_MILLIS);
            batchValues[j] = value(noise, k, i);
        }
    }

    @Benchmark
    public void oneByOne(Blackhole bh) {
        fill();
        for (int j = 0; j < batch; j++) {
            bh.consume(step.observe(batchNames[j], batchStates[j], batchTs[j], batchValues[j]));
        }
    }

    @Benchmark
    public void batched(Blackhole bh) {
        fill();
        bh.consume(step.observe(batch, batchNames, batchStates, batchTs, batchValues));
    }
}
