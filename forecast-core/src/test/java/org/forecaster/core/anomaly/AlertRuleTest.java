package org.forecaster.core.anomaly;

import static org.forecaster.core.anomaly.AlertRule.Transition.NONE;
import static org.forecaster.core.anomaly.AlertRule.Transition.OPEN;
import static org.forecaster.core.anomaly.AlertRule.Transition.RESOLVED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.forecaster.core.state.KeyState;
import org.junit.jupiter.api.Test;

class AlertRuleTest {

    private static List<AlertRule.Transition> run(AlertRule rule, double... scores) {
        KeyState s = new KeyState(2, 1);
        List<AlertRule.Transition> out = new ArrayList<>();
        for (double score : scores) {
            out.add(rule.update(s, score));
        }
        return out;
    }

    @Test
    void opensAfterARunAndResolvesAfterQuietPointsOnlyOnce() {
        AlertRule rule = new AlertRule(0.99, 2, 3);
        // A high score interrupted before the run completes opens nothing; a high score while open restarts the quiet run.
        assertEquals(List.of(NONE, NONE, NONE, OPEN, NONE, NONE, NONE, NONE, NONE, NONE, RESOLVED),
                run(rule, 0.995, 0.5, 0.995, 0.999, 0.9999, 0.1, 0.2, 0.999, 0.1, 0.1, 0.1));
    }

    @Test
    void opensNothingBeforeTheKeyHasObservedItsProbation() {
        AlertRule rule = new AlertRule(0.97, 1, 3, 3);
        KeyState s = new KeyState(2, 1);
        List<AlertRule.Transition> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            s.normCount = i; // the points the key has observed when this score comes (its normaliser counts them)
            out.add(rule.update(s, 1.0));
        }
        assertEquals(List.of(NONE, NONE, NONE, OPEN), out, "the first score from the probation's end on opens");
        assertEquals(List.of(OPEN), run(new AlertRule(0.97, 1, 3), 1.0), "no probation: the first point may open");
    }

    @Test
    void aScoreOpensOnlyOnAPointTheGateCallsUnexpected() {
        AlertRule rule = new AlertRule(0.97, 1, 2, 0, 2);
        KeyState s = new KeyState(2, 1);
        assertEquals(NONE, rule.update(s, 1.0, 1.5), "a novelty 1.5 sigmas off its prediction opens nothing");
        assertEquals(NONE, rule.update(s, 1.0, -1.99), "nor one just inside the gate on the low side");
        assertEquals(OPEN, rule.update(s, 1.0, -2.0), "2 sigmas below the prediction opens");
        assertEquals(NONE, rule.update(s, 1.0, 0.1), "while open, a high score keeps it open whatever its z");
        assertEquals(NONE, rule.update(s, 0.1, 0.1));
        assertEquals(RESOLVED, rule.update(s, 0.1, 5.0), "resolving looks at the score only");
        assertEquals(OPEN, rule.update(s, 1.0, Double.NaN), "a point without a prediction is not held back");
        assertEquals(List.of(OPEN), run(new AlertRule(0.97, 1, 3, 0, 0), 1.0), "gate 0 is off");
    }

    @Test
    void rejectsMeaninglessRules() {
        assertThrows(IllegalArgumentException.class, () -> new AlertRule(0.9, 1, 1, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new AlertRule(0.9, 1, 1, 0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new AlertRule(1.0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new AlertRule(0.9, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new AlertRule(0.9, 1, 1, -1));
    }
}
