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
    void rejectsMeaninglessRules() {
        assertThrows(IllegalArgumentException.class, () -> new AlertRule(1.0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new AlertRule(0.9, 0, 1));
    }
}
