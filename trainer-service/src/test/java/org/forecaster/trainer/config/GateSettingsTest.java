package org.forecaster.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.train.TrainConfig;
import org.forecaster.trainer.evaluate.Gate;
import org.junit.jupiter.api.Test;

/** The gate settings of the evaluation group are validated before a run can use them. */
class GateSettingsTest {

    private static TrainerConfig.EvaluationConfig evaluation(List<Integer> horizons, List<String> baselines, double tolerance) {
        return new TrainerConfig.EvaluationConfig() {
            @Override
            public double margin() {
                return 0.02;
            }

            @Override
            public int seasonSteps() {
                return 24;
            }

            @Override
            public double intervalLevel() {
                return 0.95;
            }

            @Override
            public List<Integer> gateHorizons() {
                return horizons;
            }

            @Override
            public List<String> gateBaselines() {
                return baselines;
            }

            @Override
            public double coverageTolerance() {
                return tolerance;
            }
        };
    }

    private static TrainerSettings settings(int season, Gate gate) {
        return new TrainerSettings("global", Duration.ofDays(1), 60_000, 10, 1000, 50,
                TrainConfig.defaults(new ModelSpec(CellType.LSTM, 1, Features.COUNT, 8, 1)), false, 0.02, season, 0.95,
                16 << 20, false, gate);
    }

    @Test
    void shouldReadTheGateOfTheEvaluationGroupAndLetNoneSwitchTheBaselinesOff() {
        Gate g = TrainerSettings.gate(evaluation(List.of(1, 3, 6, 12), List.of("naive", " Holt-Winters "), 0.05));
        assertEquals(List.of("naive", "holt-winters"), g.baselines());
        assertEquals(0.90, g.coverageFloor(0.95), 1e-12);
        assertTrue(TrainerSettings.gate(evaluation(List.of(1), List.of("none"), 0.05)).baselines().isEmpty());
    }

    @Test
    void shouldRefuseGateSettingsThatCannotWork() {
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> TrainerSettings.gate(evaluation(List.of(1), List.of("arima"), 0.05)));
        assertTrue(unknown.getMessage().contains("arima"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainerSettings.gate(evaluation(List.of(3, 6), List.of("naive"), 0.05)),
                "coverage is gated at h=1, which must be a gate horizon");
        assertThrows(IllegalArgumentException.class, () -> TrainerSettings.gate(evaluation(List.of(0, 1), List.of("naive"), 0.05)));
        assertThrows(IllegalArgumentException.class, () -> TrainerSettings.gate(evaluation(List.of(1), List.of("naive"), -0.1)));
        assertThrows(IllegalArgumentException.class, () -> TrainerSettings.gate(evaluation(List.of(1), List.of("naive"), 1.5)));
        var season = assertThrows(IllegalArgumentException.class,
                () -> settings(1, new Gate(List.of(1), List.of("holt-winters"), 0.05)));
        assertTrue(season.getMessage().contains("season-steps >= 2"), season.getMessage());
        settings(1, new Gate(List.of(1), List.of("naive"), 0.05)); // without Holt-Winters a season of 1 step is fine
    }
}
