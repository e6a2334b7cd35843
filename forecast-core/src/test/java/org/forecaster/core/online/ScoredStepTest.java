package org.forecaster.core.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.core.anomaly.AnomalyScorer;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.kernel.ScalarKernels;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.KeyStateCodec;
import org.junit.jupiter.api.Test;

class ScoredStepTest {
    private static final long STEP = 60_000L, T0 = 1_700_000_000_000L;
    private static final int SEASON = 12, RING = 16;

    private static Stepper stepper() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 8, 2);
        return new Stepper(Forecaster.initialize(spec, 3, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP, 0.95, 4, RING);
    }

    /** What the scorer is handed per point. */
    private record Call(double expected, double sigma, double value, double seasonal) {}

    /** Records its calls and returns a score that identifies the call. */
    private static final class Recording implements AnomalyScorer {
        final List<Call> calls = new ArrayList<>();

        @Override
        public double update(double expected, double sigma, double value, double seasonal) {
            calls.add(new Call(expected, sigma, value, seasonal));
            return calls.size() / 1000.0;
        }
    }

    /** A profile model's key hands the scorer its profile's forecast of each point, read before the point updates it. */
    @Test
    void shouldHandTheScorerTheProfilesForecastOfEachPoint() {
        long day = SEASON * STEP;
        ModelSpec spec = ModelSpec.withProfile(CellType.LSTM, 1, Features.COUNT + 1, 8, 2, SEASON, day);
        Stepper stepper = new Stepper(Forecaster.initialize(spec, 3, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP, 0.95,
                4, RING);
        KeyState state = stepper.newState(1);
        org.forecaster.core.baseline.SeasonalProfile mirror = spec.newProfile();
        List<Double> handed = new ArrayList<>();
        AnomalyScorer scorer = new AnomalyScorer() {
            @Override
            public double update(double expected, double sigma, double value, double seasonal) {
                throw new AssertionError("the five-argument update is called");
            }

            @Override
            public double update(double expected, double sigma, double value, double seasonal, double seasonalForecast) {
                handed.add(seasonalForecast);
                return 0;
            }
        };
        int known = 0;
        for (int i = 0; i < 5 * SEASON; i++) {
            long ts = T0 + i * STEP;
            double v = 10 + Math.sin(2 * Math.PI * i / SEASON);
            double expected = mirror.forecast(ts);
            ScoredStep.observe(stepper, state, scorer, SEASON, ts, v);
            mirror.update(ts, v);
            assertEquals(expected, handed.get(i), 0, "point " + i);
            known += Double.isNaN(expected) ? 0 : 1;
        }
        assertEquals(4 * SEASON, known, "every bin is known after the first season");
    }

    @Test
    void shouldScoreEveryObservedPointAgainstThePredictionBeforeItAndTheValueOneSeasonBefore() {
        Stepper stepper = stepper();
        KeyState state = stepper.newState(1);
        Recording scorer = new Recording();
        SplittableRandom r = new SplittableRandom(1);
        // Step 30 is missing: a gap filled by the stepper.
        List<Integer> steps = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            if (i != 30) {
                steps.add(i);
            }
        }
        double[] values = new double[80];
        for (int i = 0; i < 80; i++) {
            values[i] = 10 + Math.sin(i / 2.0) + 0.1 * r.nextGaussian();
        }
        KeyState shadow = stepper().newState(1);
        Stepper shadowStepper = stepper();
        for (int j = 0; j < steps.size(); j++) {
            int i = steps.get(j);
            long ts = T0 + i * STEP;
            // The one-step prediction of this point (after filling the gap before 31): the plain stepper's.
            StepResult plain = shadowStepper.observe(shadow, ts, values[i]);
            double prior = plain.expected, priorSigma = plain.sigma;
            StepResult res = ScoredStep.observe(stepper, state, scorer, SEASON, ts, values[i]);
            assertEquals((j + 1) / 1000.0, res.score, 0, "the result carries the scorer's score at step " + i);
            Call c = scorer.calls.get(j);
            assertEquals(values[i], c.value(), 0);
            // The first point has no prediction and is scored all the same (the scorer learns its range from it).
            assertEquals(j == 0 ? Double.NaN : prior, c.expected(), 0, "prediction before step " + i);
            assertEquals(j == 0 ? Double.NaN : priorSigma, c.sigma(), 0, "its scale at step " + i);
            assertEquals(j > 0, res.scored);
            // The seasonal value is the input SEASON steps earlier, read before the point enters the ring: known once
            // the ring holds it, also after the one-step gap (31, whose gap the stepper fills); for 30 + SEASON, whose
            // season-earlier step 30 is missing, its neighbours 29 and 31 stand in (their mean).
            if (i < SEASON) {
                assertTrue(Double.isNaN(c.seasonal()), "no seasonal value at step " + i + ": " + c.seasonal());
            } else if (i == 30 + SEASON) {
                assertEquals(((double) (float) values[29] + (float) values[31]) / 2, c.seasonal(), 0, "step " + i);
            } else {
                assertEquals((float) values[i - SEASON], c.seasonal(), 0, "seasonal value of step " + i);
            }
        }
        assertEquals(shadow, state, "scoring does not change how the key is stepped");
    }

    @Test
    void shouldGoOnScoringTheSameFromAnEncodedStateWithItsNoveltyScore() {
        Stepper a = stepper(), b = stepper();
        KeyState sa = a.newState(1), sb = b.newState(1);
        sa.novelty = new NoveltyScore(NoveltyScore.Spec.DEFAULT);
        sb.novelty = new NoveltyScore(NoveltyScore.Spec.DEFAULT);
        SplittableRandom r = new SplittableRandom(2);
        boolean flagged = false;
        for (int i = 0; i < 300; i++) {
            double v = 10 + Math.sin(i / 2.0) + 0.1 * r.nextGaussian() + (i == 250 ? 5 : 0);
            long ts = T0 + i * STEP;
            if (i % 13 == 0) {
                sb = KeyStateCodec.decode(KeyStateCodec.encode(sb), NoveltyScore.Spec.DEFAULT);
            }
            double expected = ScoredStep.observe(a, sa, sa.novelty, SEASON, ts, v).score;
            assertEquals(expected, ScoredStep.observe(b, sb, sb.novelty, SEASON, ts, v).score, 0, "point " + i);
            flagged |= i == 250 && expected == NoveltyScore.NOVEL;
        }
        assertTrue(flagged, "the spike to a new extreme is a novelty");
        assertEquals(sa, sb);
    }

    @Test
    void shouldTakeTheSeasonOnlyWhenTheStepDividesItAndItFitsTheRing() {
        long day = 86_400_000L, fiveMinutes = 300_000L, hour = 3_600_000L;
        assertEquals(0, ScoredStep.seasonSteps(day, fiveMinutes, 48), "288 steps do not fit a 48-input ring");
        assertEquals(288, ScoredStep.seasonSteps(day, fiveMinutes, 288));
        assertEquals(24, ScoredStep.seasonSteps(day, hour, 48));
        assertEquals(0, ScoredStep.seasonSteps(day, 7 * 60_000L, 1000), "7 minutes do not divide a day");
        assertEquals(0, ScoredStep.seasonSteps(0, hour, 48), "no season");
        assertEquals(0, ScoredStep.seasonSteps(hour, hour, 48), "a season of one step is no season");
        assertEquals(2, ScoredStep.seasonSteps(2 * hour, hour, 48));
        assertThrows(IllegalArgumentException.class, () -> ScoredStep.seasonSteps(-1, hour, 48));
        assertThrows(IllegalArgumentException.class, () -> ScoredStep.seasonSteps(day, 0, 48));
        assertFalse(ScoredStep.seasonSteps(day, fiveMinutes, 287) > 0);
    }
}
