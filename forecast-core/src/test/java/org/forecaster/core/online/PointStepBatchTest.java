package org.forecaster.core.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.forecaster.core.anomaly.AlertKinds;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.kernel.PackedMatrix;
import org.forecaster.core.kernel.ScalarKernels;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.StoredState;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.WireJson;
import org.junit.jupiter.api.Test;

/**
 * The batched per-point step ({@link PointStep#observe(int, String[], KeyState[], Instant[], double[])}) against
 * the one-by-one step on random streams of many keys: the same forecast and alert records, byte for byte, and the
 * same stored states, through cold keys, filled gaps, resets after long gaps, alert transitions and a weight swap
 * (re-warm) midway.
 */
class PointStepBatchTest {
    private static final long STEP = 300_000L;
    private static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");
    private static final int MAX_POINTS = 37;

    /** Novelty score and alert kinds as the service runs them, cold for 4 steps, gaps over 6 steps reset. */
    private static PointStep.Rules rules() {
        return new PointStep.Rules(0.95, 6, 16, 4, 0, NoveltyScore.Spec.DEFAULT, new AlertRule(0.97, 1, 3, 10),
                AlertKinds.Spec.DEFAULT);
    }

    private static PointStep step(ModelSpec spec, long seed, long version, Kernels kernels) {
        return new PointStep(Forecaster.initialize(spec, seed, kernels), NormalizerSpec.DEFAULT, STEP, version, rules());
    }

    /** One point of the stream. */
    /** A point and its window of events (a single value for some: 1 event). */
    private record Pt(String key, Instant ts, double value, long count, double min, double max) {}

    /**
     * {@code count} points over {@code keys} keys, keys picked at random (so a key often repeats within a few
     * points), each key's time moving one step mostly, 2-4 steps sometimes (filled gaps), 10 steps rarely (a
     * reset); values a noisy level with spikes and level shifts that open and resolve alerts. New keys keep joining.
     */
    private static List<Pt> stream(long seed, int keys, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, long[]> step = new HashMap<>();
        Map<String, double[]> level = new HashMap<>();
        List<Pt> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int active = Math.min(keys, 3 + i / 20);
            String key = "k" + r.nextInt(active);
            long[] s = step.computeIfAbsent(key, k -> new long[] {r.nextInt(5)});
            double[] l = level.computeIfAbsent(key, k -> new double[] {r.nextDouble(-50, 50)});
            double u = r.nextDouble();
            s[0] += u < 0.85 ? 1 : u < 0.97 ? 2 + r.nextInt(3) : 10;
            if (r.nextDouble() < 0.01) {
                l[0] += r.nextDouble(-40, 40);
            }
            double v = l[0] + r.nextGaussian() + (r.nextDouble() < 0.02 ? r.nextDouble(-30, 30) : 0);
            if (r.nextDouble() < 0.05) {
                out.add(new Pt(key, T0.plusMillis(s[0] * STEP), v, 1, v, v));
                continue;
            }
            // Some windows hold an outlier scrape, some several (their mean moved with them).
            double below = (1 + Math.abs(r.nextGaussian())) * (r.nextDouble() < 0.02 ? 10 : 1);
            double above = (1 + Math.abs(r.nextGaussian())) * (r.nextDouble() < 0.02 ? 10 : 1);
            out.add(new Pt(key, T0.plusMillis(s[0] * STEP), v, 5, v - below, v + above));
        }
        return out;
    }

    /** What a run emitted, in order, and the keys' final stored states. */
    private record Run(List<String> records, Map<String, byte[]> states, int opened, int resolved, int gapsFilled,
                       int resets, int cold, int rewarmed) {}

    private static Run oneByOne(List<Pt> points, PointStep first, PointStep second) {
        Map<String, KeyState> states = new TreeMap<>();
        List<String> records = new ArrayList<>();
        int opened = 0, resolved = 0, gaps = 0, resets = 0, cold = 0, rewarmed = 0;
        for (int i = 0; i < points.size(); i++) {
            PointStep step = i < points.size() / 2 ? first : second;
            Pt p = points.get(i);
            KeyState s = states.computeIfAbsent(p.key(), k -> step.newState());
            PointStep.Outcome o = step.observe(p.key(), s, p.ts(), p.value(), p.count(), p.min(), p.max());
            states.put(p.key(), o.state());
            records.add(new String(WireJson.write(o.forecast())));
            if (o.alert() != null) {
                records.add(new String(WireJson.write(o.alert())));
                if (o.alert().state() == AnomalyRecord.State.OPEN) {
                    opened++;
                } else {
                    resolved++;
                }
            }
            gaps += o.result().gapsFilled;
            resets += o.result().stateReset ? 1 : 0;
            cold += o.cold() ? 1 : 0;
            rewarmed += o.rewarmed() ? 1 : 0;
        }
        return new Run(records, encoded(states), opened, resolved, gaps, resets, cold, rewarmed);
    }

    /**
     * The same points in batches of random size up to {@code width}, a batch ending early at a key it already
     * holds (a key's points go in order, one per batch) and at the weight swap.
     */
    private static Run batched(List<Pt> points, PointStep first, PointStep second, int width, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, KeyState> states = new TreeMap<>();
        List<String> records = new ArrayList<>();
        String[] keys = new String[width];
        KeyState[] batch = new KeyState[width];
        Instant[] ts = new Instant[width];
        double[] values = new double[width];
        long[] counts = new long[width];
        double[] mins = new double[width], maxs = new double[width];
        int i = 0;
        while (i < points.size()) {
            PointStep step = i < points.size() / 2 ? first : second;
            int end = i < points.size() / 2 ? points.size() / 2 : points.size();
            int limit = 1 + r.nextInt(width);
            int n = 0;
            while (i < end && n < limit && !Arrays.asList(keys).subList(0, n).contains(points.get(i).key())) {
                Pt p = points.get(i++);
                keys[n] = p.key();
                batch[n] = states.computeIfAbsent(p.key(), k -> step.newState());
                ts[n] = p.ts();
                values[n] = p.value();
                counts[n] = p.count();
                mins[n] = p.min();
                maxs[n] = p.max();
                n++;
            }
            PointStep.Outcome[] out = step.observe(n, keys, batch, ts, values, counts, mins, maxs);
            for (int j = 0; j < n; j++) {
                states.put(keys[j], out[j].state());
                records.add(new String(WireJson.write(out[j].forecast())));
                if (out[j].alert() != null) {
                    records.add(new String(WireJson.write(out[j].alert())));
                }
            }
        }
        return new Run(records, encoded(states), 0, 0, 0, 0, 0, 0);
    }

    private static Map<String, byte[]> encoded(Map<String, KeyState> states) {
        Map<String, byte[]> out = new TreeMap<>();
        states.forEach((k, s) -> out.put(k, StoredState.encode(s, 0)));
        return out;
    }

    private static void assertSameRun(Run expected, Run actual, String what) {
        assertEquals(expected.records().size(), actual.records().size(), what + ": record count");
        for (int i = 0; i < expected.records().size(); i++) {
            assertEquals(expected.records().get(i), actual.records().get(i), what + ": record " + i);
        }
        assertEquals(expected.states().keySet(), actual.states().keySet(), what + ": keys");
        expected.states().forEach((k, s) -> assertArrayEquals(s, actual.states().get(k), what + ": state of " + k));
    }

    private static void assertParity(ModelSpec spec, Kernels kernels, long seed) {
        List<Pt> points = stream(seed, 60, 4000);
        Run reference = oneByOne(points, step(spec, 1, 1, kernels), step(spec, 2, 2, kernels));
        assertTrue(reference.opened() > 0 && reference.resolved() > 0, "alerts opened " + reference.opened()
                + " and resolved " + reference.resolved());
        assertTrue(reference.gapsFilled() > 0 && reference.resets() > 0 && reference.cold() > 0 && reference.rewarmed() > 0,
                "gaps " + reference.gapsFilled() + ", resets " + reference.resets() + ", cold " + reference.cold()
                        + ", re-warmed " + reference.rewarmed());
        PointStep first = step(spec, 1, 1, kernels), second = step(spec, 2, 2, kernels);
        int width = first.reserveBatch(MAX_POINTS);
        assertEquals(width, second.reserveBatch(MAX_POINTS));
        Run batched = batched(points, first, second, width, seed + 1);
        assertSameRun(reference, batched, spec + " on " + kernels.name() + " in batches of up to " + width + " (seed " + seed + ")");
    }

    @Test
    void shouldEmitTheSameRecordsAndStatesAsOneByOneOnScalarKernelsInFullBatches() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 2, Features.COUNT, 16, 4);
        assertEquals(MAX_POINTS, step(spec, 1, 1, ScalarKernels.INSTANCE).reserveBatch(MAX_POINTS),
                "scalar kernels sum each key alone whatever the batch");
        for (long seed = 1; seed <= 3; seed++) {
            assertParity(spec, ScalarKernels.INSTANCE, seed);
        }
    }

    @Test
    void shouldEmitTheSameRecordsAndStatesForSeasonLagProfileAndGruModels() {
        int lag = 12;
        assertParity(new ModelSpec(CellType.LSTM, 1, Features.count(lag), 8, 3, lag), ScalarKernels.INSTANCE, 4);
        assertParity(new ModelSpec(CellType.GRU, 1, Features.COUNT, 12, 5), ScalarKernels.INSTANCE, 5);
        // The profile learns each window's trimmed mean, in a batch as one by one.
        assertParity(ModelSpec.withProfile(CellType.LSTM, 1, Features.COUNT + 1, 8, 3, 24, 24 * STEP), ScalarKernels.INSTANCE, 7);
    }

    /** On this machine's kernels, at the width {@code reserveBatch} allows: exact whatever that width is. */
    @Test
    void shouldEmitTheSameRecordsAndStatesAsOneByOneOnThisMachinesKernels() {
        assertParity(new ModelSpec(CellType.LSTM, 1, Features.COUNT, 64, 12), KernelsProvider.get(), 6);
    }

    @Test
    void shouldStepOneKeyAtATimeOnKernelsWhoseBatchedSumsDependOnTheBatch() {
        Kernels orderByBatch = new BatchDependentKernels();
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 16, 4);
        PointStep step = step(spec, 1, 1, orderByBatch);
        assertEquals(1, step.reserveBatch(MAX_POINTS), "a batch-dependent sum must not be batched");
        assertParity(spec, orderByBatch, 7);
    }

    /** The scalar reference, but a batch of several keys sums its inputs last to first: the same product, other roundings. */
    private static final class BatchDependentKernels implements Kernels {
        private final Kernels k = ScalarKernels.INSTANCE;

        @Override
        public void gemm(float[] w, int wOff, int ld, int rows, int cols, float[] x, int xOff, int ldx, float[] y,
                         int yOff, int ldy, int batch) {
            if (batch == 1) {
                k.gemm(w, wOff, ld, rows, cols, x, xOff, ldx, y, yOff, ldy, batch);
                return;
            }
            for (int b = 0; b < batch; b++) {
                for (int r = 0; r < rows; r++) {
                    float sum = 0;
                    for (int c = cols - 1; c >= 0; c--) {
                        sum = Math.fma(w[wOff + c * ld + r], x[xOff + b * ldx + c], sum);
                    }
                    y[yOff + b * ldy + r] += sum;
                }
            }
        }

        @Override
        public int panelRows() {
            return k.panelRows();
        }

        /** Packed products too: a batch of several keys rounds each sum one ulp up, other roundings than a lone key's. */
        @Override
        public void gemmPacked(PackedMatrix w, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, int batch) {
            k.gemmPacked(w, x, xOff, ldx, y, yOff, ldy, batch);
            if (batch > 1) {
                for (int b = 0; b < batch; b++) {
                    for (int r = 0; r < w.rows(); r++) {
                        y[yOff + b * ldy + r] = Math.nextUp(y[yOff + b * ldy + r]);
                    }
                }
            }
        }

        @Override
        public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
            return k.dot(a, aOff, b, bOff, n);
        }

        @Override
        public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
            k.axpy(alpha, x, xOff, y, yOff, n);
        }

        @Override
        public void gemv(float[] w, int wOff, int ld, int rows, int cols, float[] x, int xOff, float[] y, int yOff) {
            k.gemv(w, wOff, ld, rows, cols, x, xOff, y, yOff);
        }

        @Override
        public void gemvTransposed(float[] w, int wOff, int ld, int rows, int cols, float[] dy, int dyOff, float[] x, int xOff) {
            k.gemvTransposed(w, wOff, ld, rows, cols, dy, dyOff, x, xOff);
        }

        @Override
        public void addOuter(float[] w, int wOff, int ld, int rows, int cols, float[] x, int xOff, float[] dy, int dyOff) {
            k.addOuter(w, wOff, ld, rows, cols, x, xOff, dy, dyOff);
        }

        @Override
        public void hadamard(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
            k.hadamard(a, aOff, b, bOff, out, outOff, n);
        }

        @Override
        public void sigmoid(float[] a, int off, int n) {
            k.sigmoid(a, off, n);
        }

        @Override
        public void tanh(float[] a, int off, int n) {
            k.tanh(a, off, n);
        }

        @Override
        public String name() {
            return "scalar-batch-dependent";
        }
    }

    @Test
    void shouldRejectAKeyTwiceInOneBatchAndABadPointBeforeChangingAnyState() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 8, 3);
        PointStep step = step(spec, 1, 1, ScalarKernels.INSTANCE);
        step.reserveBatch(4);
        KeyState a = step.newState(), b = step.newState();
        step.observe("a", a, T0, 1.0);
        byte[] before = StoredState.encode(a, 0);
        assertThrows(IllegalArgumentException.class, () -> step.observe(2, new String[] {"a", "a"},
                new KeyState[] {a, a}, new Instant[] {T0.plusMillis(STEP), T0.plusMillis(2 * STEP)}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> step.observe(2, new String[] {"a", "b"},
                new KeyState[] {a, b}, new Instant[] {T0.plusMillis(STEP), T0}, new double[] {1, Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> step.observe(2, new String[] {"b", "a"},
                new KeyState[] {b, a}, new Instant[] {T0, T0}, new double[] {1, 2}), "a's point is not after its last");
        assertArrayEquals(before, StoredState.encode(a, 0), "a rejected batch changed no state");
        assertFalse(b.lastTimestamp != KeyState.NO_TIMESTAMP, "b was not stepped");
        assertThrows(IllegalArgumentException.class, () -> step.observe(5, new String[5], new KeyState[5],
                new Instant[5], new double[5]), "more than the reserved capacity");
    }
}
