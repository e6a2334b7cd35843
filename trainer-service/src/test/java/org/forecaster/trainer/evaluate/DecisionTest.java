package org.forecaster.trainer.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.forecaster.core.train.HorizonEvaluation;
import org.forecaster.core.train.HorizonEvaluation.BaselineScore;
import org.junit.jupiter.api.Test;

/** The gate on hand-made scores: which figure refuses a candidate, and that the reason names it. */
class DecisionTest {
    private static final Gate GATE = new Gate(List.of(1, 3, 6, 12), List.of("naive", "seasonal-naive", "holt-winters"), 0.05);
    private static final List<Integer> HS = List.of(1, 3, 6, 12);

    /** Scores at horizons 1, 3, 6, 12 with the given model MASE, coverage and baseline MASE (same at every horizon). */
    private static Scores scores(double relMae, List<Double> mase, List<Double> coverage, double naive, double seasonal,
                                 List<Double> holtWinters) {
        HorizonEvaluation e = new HorizonEvaluation(HS, 10, 0, List.of(100L, 100L, 100L, 100L), mase, coverage, List.of(
                new BaselineScore("naive", 10, List.of(naive, naive, naive, naive), mase),
                new BaselineScore("seasonal-naive", 10, List.of(seasonal, seasonal, seasonal, seasonal), mase),
                new BaselineScore("holt-winters", 10, holtWinters, mase)));
        return new Scores(relMae, 1, 1, coverage.getFirst(), 0, 10, 1000, e);
    }

    private static Scores good(double relMae) {
        return scores(relMae, List.of(0.5, 0.6, 0.7, 0.8), List.of(0.94, 0.93, 0.92, 0.9), 1.2, 1.0, List.of(0.7, 0.8, 0.9, 1.0));
    }

    @Test
    void shouldPublishACandidateThatBeatsEveryBaselineAtEveryHorizonWithSoundIntervals() {
        Decision d = Decision.decide(good(0.5), null, 0.02, false, GATE, 0.95);
        assertTrue(d.publish(), d.reason());
        assertTrue(d.reason().startsWith("no production model; beats naive, seasonal-naive, holt-winters at h=[1, 3, 6, 12]"), d.reason());
    }

    @Test
    void shouldRefuseACandidateWorseThanNaiveAndNameTheFigure() {
        Scores s = scores(0.9, List.of(1.036, 1.1, 1.2, 1.3), List.of(0.95, 0.95, 0.95, 0.95), 0.938, 1.5, List.of(2.0, 2.0, 2.0, 2.0));
        Decision d = Decision.decide(s, null, 0.02, false, GATE, 0.95);
        assertFalse(d.publish());
        assertTrue(d.reason().contains("candidate MASE 1.036 at h=1 does not beat naive 0.938"), d.reason());
    }

    @Test
    void shouldRefuseACandidateBeatenByHoltWintersAtOneHorizonOnly() {
        Scores s = scores(0.5, List.of(0.5, 0.6, 0.91, 0.8), List.of(0.95, 0.95, 0.95, 0.95), 1.2, 1.0, List.of(0.7, 0.8, 0.85, 1.0));
        Decision d = Decision.decide(s, good(0.9), 0.02, false, GATE, 0.95);
        assertFalse(d.publish());
        assertEquals("candidate MASE 0.910 at h=6 does not beat holt-winters 0.850", d.reason());
    }

    @Test
    void shouldRefuseACandidateWhoseIntervalsUnderCover() {
        Scores s = scores(0.5, List.of(0.5, 0.6, 0.7, 0.8), List.of(0.89, 0.95, 0.95, 0.95), 1.2, 1.0, List.of(0.7, 0.8, 0.9, 1.0));
        Decision d = Decision.decide(s, null, 0.02, false, GATE, 0.95);
        assertFalse(d.publish());
        assertTrue(d.reason().contains("h=1 interval coverage 0.8900 is below 0.900"), d.reason());
        // At the floor it passes; over-coverage is not refused.
        assertTrue(Decision.decide(scores(0.5, List.of(0.5, 0.6, 0.7, 0.8), List.of(0.9, 0.5, 0.5, 0.5), 1.2, 1.0,
                List.of(0.7, 0.8, 0.9, 1.0)), null, 0.02, false, GATE, 0.95).publish());
        assertTrue(Decision.decide(scores(0.5, List.of(0.5, 0.6, 0.7, 0.8), List.of(1.0, 1.0, 1.0, 1.0), 1.2, 1.0,
                List.of(0.7, 0.8, 0.9, 1.0)), null, 0.02, false, GATE, 0.95).publish());
    }

    @Test
    void shouldStillApplyTheProductionComparisonAfterTheGate() {
        Decision d = Decision.decide(good(0.5), good(0.505), 0.02, false, GATE, 0.95);
        assertFalse(d.publish());
        assertTrue(d.reason().contains("does not beat production"), d.reason());
        assertTrue(Decision.decide(good(0.5), good(0.6), 0.02, false, GATE, 0.95).publish());
    }

    @Test
    void shouldPublishOnForceAndSayWhatTheGateWouldHaveRefused() {
        Scores s = scores(0.9, List.of(1.036, 0.6, 0.7, 0.8), List.of(0.95, 0.95, 0.95, 0.95), 0.938, 1.5, List.of(2.0, 2.0, 2.0, 2.0));
        Decision d = Decision.decide(s, good(0.5), 0.02, true, GATE, 0.95);
        assertTrue(d.publish());
        assertTrue(d.reason().startsWith("published on request (force)"), d.reason());
        assertTrue(d.reason().contains("the gate would have refused it: candidate MASE 1.036 at h=1 does not beat naive 0.938"), d.reason());
    }

    @Test
    void shouldCompareOnlyTheHorizonsWithinTheModelsReachAndSkipABaselineWithNoFigure() {
        // K = 1: only h=1 was scored; Holt-Winters could not be fitted on any series (all too short).
        HorizonEvaluation e = new HorizonEvaluation(List.of(1), 4, 0, List.of(50L), List.of(0.5), List.of(0.95), List.of(
                new BaselineScore("naive", 4, List.of(0.9), List.of(0.5)),
                new BaselineScore("seasonal-naive", 4, List.of(1.0), List.of(0.5)),
                new BaselineScore("holt-winters", 0, List.of(Double.NaN), List.of(Double.NaN))));
        Decision d = Decision.decide(new Scores(0.5, 1, 1, 0.95, 0, 4, 50, e), null, 0.02, false, GATE, 0.95);
        assertTrue(d.publish(), d.reason());
        assertTrue(d.reason().contains("not compared with holt-winters"), d.reason());
    }

    @Test
    void shouldCompareWithABaselineOnTheSeriesItCoveredOnly() {
        // Holt-Winters was fitted on 2 of 4 series; there the model scores 0.8 against its 0.7.
        HorizonEvaluation e = new HorizonEvaluation(List.of(1), 4, 0, List.of(50L), List.of(0.5), List.of(0.95), List.of(
                new BaselineScore("naive", 4, List.of(0.9), List.of(0.5)),
                new BaselineScore("seasonal-naive", 4, List.of(1.0), List.of(0.5)),
                new BaselineScore("holt-winters", 2, List.of(0.7), List.of(0.8))));
        Decision d = Decision.decide(new Scores(0.5, 1, 1, 0.95, 0, 4, 50, e), null, 0.02, false, GATE, 0.95);
        assertFalse(d.publish());
        assertTrue(d.reason().contains("candidate MASE 0.800 at h=1 does not beat holt-winters 0.700 (on the 2 of 4 series"), d.reason());
    }

    @Test
    void shouldLeaveTheBaselinesOutWhenTheGateListsNone() {
        Scores s = scores(0.9, List.of(1.036, 1.1, 1.2, 1.3), List.of(0.95, 0.95, 0.95, 0.95), 0.938, 1.5, List.of(2.0, 2.0, 2.0, 2.0));
        Decision d = Decision.decide(s, null, 0.02, false, new Gate(HS, List.of(), 0.05), 0.95);
        assertTrue(d.publish(), d.reason());
        assertTrue(d.reason().contains("baseline gate off"), d.reason());
    }

    @Test
    void shouldExportTheGateFiguresAsHeaderMetrics() {
        var m = good(0.5).asMetrics();
        assertEquals(0.7, m.get("test.mase.h6"), 0);
        assertEquals(0.9, m.get("test.holt-winters.mase.h6"), 0);
        assertEquals(1.2, m.get("test.naive.mase.h12"), 0);
        assertEquals(0.94, m.get("test.coverage.h1"), 0);
        assertEquals(10, m.get("test.holt-winters.series"), 0);
        assertFalse(m.containsKey("test.holt-winters.model-mase.h6"), "only when the baseline covered fewer series");
    }
}
