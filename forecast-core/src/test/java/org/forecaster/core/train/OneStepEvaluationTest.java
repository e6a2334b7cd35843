package org.forecaster.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.forecaster.core.kernel.ScalarKernels;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.model.Stepper;
import org.junit.jupiter.api.Test;

class OneStepEvaluationTest {
    private static final long STEP = 60_000L, T0 = 1_700_000_000_000L;

    private static Stepper stepper() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 4, 1);
        return new Stepper(Forecaster.initialize(spec, 1, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP, 0.95, 100, 8);
    }

    @Test
    void shouldNotScoreThePointAfterAMissingStepWithThePredictionMadeForTheMissingOne() {
        float[] v = new float[20];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 2 == 0 ? 10 : 12;
        }
        // Season 2: points 2..19 have a value one season back.
        assertEquals(18, OneStepEvaluation.run(stepper(), new Series("s", T0, STEP, v), 0, 20, 2).count());
        v[10] = Float.NaN;
        // 10 is missing, 12 has no value one season back, and 11 follows the gap: 18 - 3 points.
        OneStepEvaluation e = OneStepEvaluation.run(stepper(), new Series("s", T0, STEP, v), 0, 20, 2);
        assertEquals(15, e.count());
        // The naive forecast of every scored point is the value just before it: |10 - 12| = 2 each.
        assertEquals(2, e.naiveMae(), 1e-12);
    }
}
