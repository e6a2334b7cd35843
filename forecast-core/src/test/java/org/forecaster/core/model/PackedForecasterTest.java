package org.forecaster.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.KernelsProvider;
import org.junit.jupiter.api.Test;

/** The weights packed at construction must never go stale: a step after an in-place update sees the update. */
class PackedForecasterTest {
    private static final Kernels VECTOR = KernelsProvider.named("vector");

    private static float[] stepOnce(Forecaster model, float[] x) {
        float[] out = new float[model.outputSize()];
        model.step(1, x, 0, x.length, model.newStates(1), out, 0, model.newCache(1));
        return out;
    }

    @Test
    void stepsFollowParametersChangedThroughTheLiveArray() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 2, Features.COUNT, 21, 3);
        Forecaster model = Forecaster.initialize(spec, 5, VECTOR);
        float[] x = new float[spec.inputSize()];
        Arrays.fill(x, 0.5f);
        float[] before = stepOnce(model, x);
        float[] live = model.parameters();
        for (int i = 0; i < live.length; i++) {
            live[i] += 0.05f * ((i % 7) - 3);
        }
        float[] after = stepOnce(model, x);
        assertFalse(Arrays.equals(before, after), "the update changed nothing");
        Forecaster rebuilt = new Forecaster(spec, live.clone(), VECTOR);
        rebuilt.parameters(); // steps unpacked from here, as the updated model does: same arithmetic, same bits
        assertArrayEquals(stepOnce(rebuilt, x), after,
                "a model stepping after an in-place update must equal one built on the updated parameters");
    }

    @Test
    void initializedModelStepsWithItsInitialisedWeights() {
        ModelSpec spec = new ModelSpec(CellType.PEEPHOLE_LSTM, 1, Features.COUNT, 13, 2);
        Forecaster model = Forecaster.initialize(spec, 9, VECTOR);
        float[] x = new float[spec.inputSize()];
        Arrays.fill(x, -0.25f);
        float[] copy = Forecaster.initialize(spec, 9, VECTOR).parameters().clone();
        assertArrayEquals(stepOnce(new Forecaster(spec, copy, VECTOR), x), stepOnce(model, x));
    }
}
