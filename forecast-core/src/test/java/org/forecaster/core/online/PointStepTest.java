package org.forecaster.core.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.forecaster.core.anomaly.AlertKinds;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.AnomalyScorer;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.kernel.ScalarKernels;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastRecord;
import org.junit.jupiter.api.Test;

class PointStepTest {
    private static final long STEP = 300_000L;
    private static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");
    private static final ModelSpec SPEC = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 8, 3);

    private static Forecaster model(long seed) {
        return Forecaster.initialize(SPEC, seed, ScalarKernels.INSTANCE);
    }

    /** Threshold 0.9, opens after 2 high scores, resolves after 2 low ones, no probation; cold for 2 steps. */
    private static PointStep.Rules rules(int ring) {
        return new PointStep.Rules(0.95, 10, ring, 3, 0, null, new AlertRule(0.9, 2, 2, 0));
    }

    /** A scorer that returns a script of scores, one per point, whatever the point. */
    private static AnomalyScorer script(double... scores) {
        return new AnomalyScorer() {
            int i;

            @Override
            public double update(double expected, double sigma, double value, double seasonal) {
                return scores[i++];
            }
        };
    }

    @Test
    void shouldOpenAndResolveAlertsExactlyWhereTheRuleSaysOnACraftedSeries() {
        PointStep step = new PointStep(model(1), NormalizerSpec.DEFAULT, STEP, 1, rules(16));
        // Points 0 and 1 are cold (steps 1 and 2 < 3): their high scores must not count towards an alert.
        double[] scores = {0.95, 0.95, 0.1, 0.95, 0.95, 0.95, 0.2, 0.3, 0.95, 0.1};
        AnomalyScorer scorer = script(scores);
        KeyState state = step.newState();
        Map<Integer, AnomalyRecord.State> transitions = new TreeMap<>();
        List<Boolean> cold = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            PointStep.Outcome out = step.observe("a", state, T0.plusMillis(i * STEP), 10 + i % 3, scorer);
            state = out.state();
            cold.add(out.cold());
            assertEquals(out.cold(), out.forecast().cold());
            if (out.alert() != null) {
                transitions.put(i, out.alert().state());
            }
        }
        // Written out by hand: 3 and 4 are two high scores in a row (open at 4); 6 and 7 two low ones (resolve at 7);
        // 8 alone does not open.
        assertEquals(Map.of(4, AnomalyRecord.State.OPEN, 7, AnomalyRecord.State.RESOLVED), transitions);
        assertEquals(List.of(true, true, false, false, false, false, false, false, false, false), cold);
    }

    /**
     * A window is judged by its trimmed mean and forecast by its mean: a window whose one wild scrape moved its mean
     * scores exactly as a window of the same trimmed mean without it (the model's prediction, sigma and the key's
     * scorer state being the same before it), while its forecast record carries, and its model steps, the mean.
     */
    @Test
    void shouldScoreAWindowByItsTrimmedMeanAndForecastItsMean() {
        PointStep.Rules rules = new PointStep.Rules(0.95, 6, 16, 4, 0, NoveltyScore.Spec.DEFAULT,
                new AlertRule(0.97, 1, 3, 10), AlertKinds.Spec.DEFAULT);
        PointStep step = new PointStep(model(4), NormalizerSpec.DEFAULT, STEP, 1, rules);
        KeyState wild = step.newState(), calm = step.newState(), single = step.newState();
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        int n = 400;
        for (int i = 0; i < n; i++) {
            double v = 50 + 10 * Math.sin(2 * Math.PI * i / 288.0) + r.nextGaussian();
            wild = step.observe("k", wild, T0.plusMillis(i * STEP), v, 5, v - 1.5, v + 1.2).state();
            calm = step.observe("k", calm, T0.plusMillis(i * STEP), v, 5, v - 1.5, v + 1.2).state();
            single = step.observe("k", single, T0.plusMillis(i * STEP), v, 5, v - 1.5, v + 1.2).state();
        }
        // Five scrapes c, c, c, c - 1, c + 200: mean c + 39.8, trimmed mean c; the calm window: c, c, c, c - 1, c + 1.
        double cycle = 50 + 10 * Math.sin(2 * Math.PI * n / 288.0);
        Instant at = T0.plusMillis(n * STEP);
        // The step's result is reused from point to point: read each before the next.
        PointStep.Outcome w = step.observe("k", wild, at, cycle + 39.8, 5, cycle - 1, cycle + 200);
        double wildScore = w.result().score, wildExpected = w.result().expected;
        PointStep.Outcome c = step.observe("k", calm, at, cycle, 5, cycle - 1, cycle + 1);
        double calmScore = c.result().score;
        assertTrue(calmScore < 0.5, "an ordinary window: " + calmScore);
        assertEquals(calmScore, wildScore, 1e-9, "scored by the trimmed mean");
        assertEquals(c.result().expected, wildExpected, 0, "the same prediction before both");
        assertEquals(cycle + 39.8, w.forecast().observedValue(), 0);
        assertTrue(w.forecast().steps().get(0).mean() > c.forecast().steps().get(0).mean() + 1,
                "the model stepped the mean: " + w.forecast().steps().get(0).mean() + " against " + c.forecast().steps().get(0).mean());
        double byMean = step.observe("k", single, at, cycle + 39.8, 1, cycle + 39.8, cycle + 39.8).result().score;
        assertTrue(byMean > calmScore + 0.5, "the same mean as a single value is judged as is: " + byMean);
    }

    /** A profile model's key profile learns each window's trimmed mean, as training feeds it ({@code Series.trimmed}). */
    @Test
    void shouldLetTheKeysProfileLearnEachWindowsTrimmedMean() {
        ModelSpec spec = ModelSpec.withProfile(CellType.LSTM, 1, Features.COUNT + 1, 8, 3, 24, 24 * STEP);
        PointStep step = new PointStep(Forecaster.initialize(spec, 3, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP, 1,
                rules(16));
        KeyState state = step.newState();
        org.forecaster.core.baseline.SeasonalProfile mirror = spec.newProfile();
        java.util.SplittableRandom r = new java.util.SplittableRandom(2);
        for (int i = 0; i < 100; i++) {
            double v = 20 + 5 * Math.sin(2 * Math.PI * i / 24) + r.nextGaussian(), min = v - 1, max = v + 1 + 4 * r.nextDouble();
            long count = 1 + r.nextInt(6);
            state = step.observe("k", state, T0.plusMillis(i * STEP), v, count, min, max).state();
            mirror.update(T0.toEpochMilli() + i * STEP, org.forecaster.core.wire.Point.trimmedMean(count, v, min, max));
        }
        assertEquals(mirror, state.profile);
    }

    @Test
    void shouldLetTheScoreOpenOnlyOnAPointAtLeastTheGateOffItsPrediction() {
        // Every point scores 1 (a novelty each time); the gate decides by how far the point is off its prediction.
        AlertRule gated = new AlertRule(0.9, 1, 2, 0, 2);
        PointStep step = new PointStep(model(3), NormalizerSpec.DEFAULT, STEP, 1,
                new PointStep.Rules(0.95, 10, 16, 3, 0, null, gated));
        AnomalyScorer scorer = script(1, 1, 1, 1, 1, 1, 1, 1);
        KeyState state = step.newState();
        for (int i = 0; i < 3; i++) { // cold points
            state = step.observe("a", state, T0.plusMillis(i * STEP), 10, scorer).state();
        }
        // What the key predicts for its next point does not depend on the value, so one point can be put either side.
        double expected = step.latestForecast("a", state).steps().get(0).mean();
        PointStep.Outcome near = step.observe("a", state, T0.plusMillis(3 * STEP), expected, scorer);
        assertNull(near.alert(), "a point on its prediction opens nothing, novel or not");
        assertTrue(near.result().scored && near.result().sigma > 0);
        state = near.state();
        ForecastRecord.Step next = step.latestForecast("a", state).steps().get(0);
        double far = next.mean() + 3 * (next.upper() - next.lower()); // about 6 sigmas of the 95 % interval
        PointStep.Outcome out = step.observe("a", state, T0.plusMillis(4 * STEP), far, scorer);
        assertTrue(Math.abs(out.result().expected - far) >= 2 * out.result().sigma);
        assertEquals(AnomalyRecord.State.OPEN, out.alert().state(), "a point far off its prediction opens");
        assertEquals("score", out.alert().reason());
    }

    @Test
    void shouldDescribeTheAlertByThePointAndItsOneStepPrediction() {
        PointStep step = new PointStep(model(2), NormalizerSpec.DEFAULT, STEP, 7, new PointStep.Rules(0.9, 10, 16, 0, 0,
                null, new AlertRule(0.5, 1, 1, 0)));
        AnomalyScorer scorer = script(0.0, 0.0, 0.0, 0.99);
        KeyState state = step.newState();
        PointStep.Outcome out = null;
        double expected = Double.NaN, sigma = Double.NaN;
        for (int i = 0; i < 4; i++) {
            expected = state.expected;
            sigma = state.sigma;
            out = step.observe("cpu", state, T0.plusMillis(i * STEP), i == 3 ? 50 : 10, scorer);
            if (i < 3) {
                assertNull(out.alert());
            }
        }
        assertTrue(out.alert() != null, "the fourth score passes the threshold");
        AnomalyRecord a = out.alert();
        double z = 1.6448536269514722; // the 90 % interval's quantile
        assertEquals("cpu", a.series());
        assertEquals(T0.plusMillis(3 * STEP), a.ts());
        assertEquals(50, a.value());
        assertEquals(expected, a.expected());
        assertEquals(expected - z * sigma, a.lower(), 1e-9);
        assertEquals(expected + z * sigma, a.upper(), 1e-9);
        assertEquals(AnomalyRecord.State.OPEN, a.state());
        assertEquals(7, a.modelVersion());
        assertEquals(0.99, a.score());
    }

    @Test
    void shouldRecomputeTheLastForecastFromTheStoredState() {
        PointStep step = new PointStep(model(3), NormalizerSpec.DEFAULT, STEP, 1, rules(16));
        KeyState state = step.newState();
        ForecastRecord last = null;
        for (int i = 0; i < 30; i++) {
            last = step.observe("a", state, T0.plusMillis(i * STEP), 5 + Math.sin(i / 3.0) + 0.123456789).forecast();
        }
        assertEquals(last, new PointStep(model(3), NormalizerSpec.DEFAULT, STEP, 1, rules(16)).latestForecast("a", state));
        assertEquals(3, last.steps().size());
        assertEquals(T0.plusMillis(30 * STEP), last.steps().get(0).ts());
    }

    @Test
    void shouldRewarmAStateOfOtherWeightsBeforeSteppingIt() {
        PointStep v1 = new PointStep(model(4), NormalizerSpec.DEFAULT, STEP, 1, rules(16));
        KeyState state = v1.newState();
        for (int i = 0; i < 20; i++) {
            state = v1.observe("a", state, T0.plusMillis(i * STEP), 3 + i % 5).state();
        }
        // Reference: the stepper's own re-warm and step under the new weights.
        Stepper reference = new Stepper(model(5), NormalizerSpec.DEFAULT, STEP, 0.95, 10, 16);
        KeyState copy = reference.rewarmedCopy(state, 2);
        double expectedMean = reference.observe(copy, T0.plusMillis(20 * STEP).toEpochMilli(), 4).mean[0];

        PointStep v2 = new PointStep(model(5), NormalizerSpec.DEFAULT, STEP, 2, rules(16));
        PointStep.Outcome out = v2.observe("a", state, T0.plusMillis(20 * STEP), 4);
        assertTrue(out.rewarmed());
        assertSame(state, out.state(), "same shape: re-warmed in place");
        assertEquals(2, out.state().modelVersion);
        assertEquals(expectedMean, out.forecast().steps().get(0).mean());
        assertEquals(2, out.forecast().modelVersion());
        assertFalse(v2.observe("a", out.state(), T0.plusMillis(21 * STEP), 4).rewarmed());

        PointStep wider = new PointStep(model(5), NormalizerSpec.DEFAULT, STEP, 3, rules(32));
        PointStep.Outcome reshaped = wider.observe("a", out.state(), T0.plusMillis(22 * STEP), 4);
        assertNotSame(out.state(), reshaped.state(), "another ring size needs a new state");
        assertEquals(32, reshaped.state().ringCapacity());
        assertEquals(16 + 1, reshaped.state().remembered(), "the 16 inputs the old ring held, then the new point");
    }

    @Test
    void shouldServeASeasonLagModelWithARingThatReachesOneSeasonBack() {
        int lag = 24;
        ModelSpec seasonal = new ModelSpec(CellType.LSTM, 1, Features.count(lag), 8, 3, lag);
        PointStep step = new PointStep(Forecaster.initialize(seasonal, 6, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT,
                STEP, 1, rules(16));
        assertEquals(lag, step.ringCapacity(), "the rules' 16 inputs cannot reach one season back");
        KeyState state = step.newState();
        // Reference: the Stepper at a ring of the lag, as backtest and detect run such a model.
        Stepper reference = new Stepper(Forecaster.initialize(seasonal, 6, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT,
                STEP, 0.95, 10, lag);
        KeyState referenceState = reference.newState(1);
        for (int i = 0; i < 60; i++) {
            double v = 20 + 5 * Math.sin(2 * Math.PI * i / lag);
            ForecastRecord f = step.observe("a", state, T0.plusMillis(i * STEP), v).forecast();
            double expected = reference.observe(referenceState, T0.plusMillis(i * STEP).toEpochMilli(), v).mean[2];
            assertEquals(expected, f.steps().get(2).mean(), "point " + i);
        }
        assertEquals(lag, state.ringCapacity());
    }
}
