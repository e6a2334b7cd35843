package org.forecaster.serving.rest;

import static org.forecaster.serving.TestModels.STEP;
import static org.forecaster.serving.TestModels.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.KeyStateCodec;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.serving.TestModels;
import org.forecaster.serving.metrics.ServingMetrics;
import org.forecaster.serving.topology.ServingSpec;
import org.forecaster.serving.weights.LoadedModel;
import org.forecaster.serving.weights.ModelHolder;
import org.junit.jupiter.api.Test;

class StateViewsTest {
    private static final ServingSpec SPEC = ServingSpec.defaults();

    private static LoadedModel load(long version, long seed) {
        ModelHolder h = new ModelHolder(KernelsProvider.get(), new ServingMetrics(new SimpleMeterRegistry()));
        assertTrue(h.offer(TestModels.modelBytes(version, seed)).accepted());
        return h.current();
    }

    private static Stepper stepper(LoadedModel m) {
        return new Stepper(m.forecaster(), m.header().normalizer(), m.header().stepMillis(), SPEC.intervalLevel(),
                SPEC.maxGapSteps(), SPEC.ringCapacity());
    }

    @Test
    void shouldForecastAStateOfEarlierWeightsAsTheCurrentModelWouldAfterReWarming() {
        LoadedModel v1 = load(1, 7), v2 = load(2, 11);
        Stepper s1 = stepper(v1);
        KeyState st = s1.newState(1);
        for (int i = 0; i < 30; i++) {
            s1.observe(st, T0.toEpochMilli() + i * STEP, (float) TestModels.value(0, i));
        }
        byte[] before = KeyStateCodec.encode(st);
        ForecastRecord f = StateViews.forecast("a", st, v2, SPEC);
        assertArrayEquals(before, KeyStateCodec.encode(st), "the stored state is not changed");
        assertEquals(2, f.modelVersion());
        Stepper s2 = stepper(v2);
        KeyState rewarmed = KeyStateCodec.decode(before);
        s2.rewarm(rewarmed, 2);
        StepResult want = s2.forecast(rewarmed);
        assertEquals(want.mean[0], f.steps().get(0).mean(), 0.0);
        assertEquals(Instant.ofEpochMilli(want.timestamps[2]), f.steps().get(2).ts());
        assertEquals(rewarmed.steps < SPEC.coldSteps(), f.cold());
        // The same state under its own model: the forecast made at its last point, with version 1.
        ForecastRecord own = StateViews.forecast("a", st, v1, SPEC);
        assertEquals(1, own.modelVersion());
        assertFalse(own.cold());
        assertEquals(s1.forecast(st).mean[0], own.steps().get(0).mean(), 0.0);
    }

    @Test
    void historyLeavesOutInputsFromBeforeAStateReset() {
        LoadedModel m = load(1, 7);
        Stepper s = stepper(m);
        KeyState st = s.newState(1);
        long t0 = T0.toEpochMilli();
        for (int i = 0; i < 10; i++) {
            s.observe(st, t0 + i * STEP, 10 + i);
        }
        long after = t0 + (10 + SPEC.maxGapSteps() + 5) * STEP; // a gap longer than max-gap-steps resets the state
        s.observe(st, after, 50);
        s.observe(st, after + 2 * STEP, 52);                      // and a short one is filled (null)
        assertEquals(3, st.remembered(), "the inputs before the long gap are forgotten");
        List<StateViews.HistoryPoint> h = StateViews.history(st, STEP);
        assertEquals(List.of(Instant.ofEpochMilli(after), Instant.ofEpochMilli(after + STEP), Instant.ofEpochMilli(after + 2 * STEP)),
                h.stream().map(StateViews.HistoryPoint::ts).toList());
        assertEquals(50.0, h.get(0).value());
        assertNull(h.get(1).value());
        assertEquals(52.0, h.get(2).value());
    }
}
