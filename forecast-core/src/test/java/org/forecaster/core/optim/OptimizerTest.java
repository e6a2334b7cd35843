package org.forecaster.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OptimizerTest {

    @Test
    void sgdStepsAgainstTheGradient() {
        float[] w = {1f, -2f};
        Optimizer o = Optimizer.named("sgd");
        o.init(2);
        o.step(w, new float[] {0.5f, -1f}, 0.1);
        assertEquals(0.95f, w[0], 1e-7f);
        assertEquals(-1.9f, w[1], 1e-7f);
    }

    @Test
    void momentumAccumulatesUpdatesAsInTheSeed() {
        float[] w = {0f};
        Optimizer o = new Momentum(0.9);
        o.init(1);
        o.step(w, new float[] {1f}, 0.1); // update 0.1
        o.step(w, new float[] {1f}, 0.1); // update 0.9*0.1 + 0.1 = 0.19
        assertEquals(-0.29f, w[0], 1e-6f);
        o.reset();
        o.step(w, new float[] {1f}, 0.1);
        assertEquals(-0.39f, w[0], 1e-6f);
    }

    @Test
    void nesterovLooksAhead() {
        float[] w = {0f};
        Optimizer o = new Nesterov(0.9);
        o.init(1);
        o.step(w, new float[] {1f}, 0.1); // v=0.1, w -= 0.9*0.1 + 0.1
        assertEquals(-0.19f, w[0], 1e-6f);
        o.step(w, new float[] {1f}, 0.1); // v=0.19, w -= 0.9*0.19 + 0.1
        assertEquals(-0.461f, w[0], 1e-6f);
    }

    @Test
    void adamsFirstStepIsTheRateTimesTheSignThanksToBiasCorrection() {
        float[] w = {0f, 0f, 0f};
        Optimizer o = Optimizer.named("adam");
        o.init(3);
        o.step(w, new float[] {1e-3f, -50f, 2f}, 0.01);
        assertEquals(-0.01f, w[0], 1e-6f);
        assertEquals(0.01f, w[1], 1e-6f);
        assertEquals(-0.01f, w[2], 1e-6f);
        // Second step with the same gradient: m_hat = g, v_hat = g^2, so again rate * sign.
        o.step(w, new float[] {1e-3f, -50f, 2f}, 0.01);
        assertEquals(-0.02f, w[0], 1e-5f);
    }

    @Test
    void schedulesFollowTheirFormulas() {
        assertEquals(0.1, new LrSchedule.Constant(0.1).rate(1000), 0);
        assertEquals(0.025, new LrSchedule.Step(0.1, 5, 0.5).rate(10), 1e-15);
        assertEquals(0.05, new LrSchedule.Step(0.1, 5, 0.5).rate(9), 1e-15);
        assertEquals(0.1 * Math.exp(-0.2), new LrSchedule.Exponential(0.1, 0.01).rate(20), 1e-15);
        assertEquals(0.05, new LrSchedule.InverseTime(0.1, 0.1).rate(10), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule.Constant(-1));
    }

    @Test
    void clippingScalesTheGlobalNormAndLeavesSmallGradientsAlone() {
        float[] g = {3f, 4f};
        assertEquals(5.0, GlobalNormClipping.clip(g, 1.0), 1e-12);
        assertEquals(0.6f, g[0], 1e-6f);
        assertEquals(0.8f, g[1], 1e-6f);
        float[] small = {0.3f, 0.4f};
        GlobalNormClipping.clip(small, 1.0);
        assertEquals(0.3f, small[0]);
    }

    @Test
    void rejectsAnOptimizerSizedForOtherParameters() {
        Optimizer o = Optimizer.named("momentum");
        o.init(2);
        assertThrows(IllegalStateException.class, () -> o.step(new float[3], new float[3], 0.1));
    }
}
