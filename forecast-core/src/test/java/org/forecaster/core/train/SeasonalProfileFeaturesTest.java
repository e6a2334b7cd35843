package org.forecaster.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.forecaster.core.kernel.ScalarKernels;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.baseline.SeasonalProfile;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.KeyStateCodec;
import org.junit.jupiter.api.Test;

/** The profile model (issue 15) computes its seasonal input and bases alike in training and serving. */
class SeasonalProfileFeaturesTest {
    private static final long STEP = 3_600_000L, DAY = 86_400_000L, T0 = 1_700_006_400_000L;
    private static final int BINS = 24;

    private static ModelSpec spec(int horizon) {
        return ModelSpec.withProfile(CellType.LSTM, 1, Features.COUNT + 1, 8, horizon, BINS, DAY);
    }

    private static float[] dailySeries(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (50 + 10 * Math.sin(2 * Math.PI * i / 24) + 0.05 * i + r.nextGaussian());
        }
        return v;
    }

    /** The Stepper the service would run over the trainer's parameters (ring 48, gaps up to 10 filled). */
    private static Stepper servingStepper(ModelSpec spec, TrainConfig config, float[] params) {
        return new Stepper(new Forecaster(spec, params, ScalarKernels.INSTANCE), config.normalizer(), STEP, 0.95, 10, 48);
    }

    /**
     * Train/serve parity with missing steps: the trainer's forward pass and the Stepper, which fills a gap with the
     * model's own forecasts, make the same one-step prediction at every observed step. Gaps sit in the first day
     * (bins not yet visited: the input and bases fall back on the step's own input) and later.
     */
    @Test
    void trainingAndServingPredictTheSameAcrossMissingSteps() {
        ModelSpec spec = spec(5);
        TrainConfig config = TrainConfig.defaults(spec);
        float[] params = Forecaster.initialize(spec, 11, ScalarKernels.INSTANCE).parameters();
        float[] v = dailySeries(120, 5);
        for (int missing : new int[] {2, 3, 17, 30, 31, 32, 44, 70, 71, 100}) {
            v[missing] = Float.NaN;
        }
        double[] trained = new TbpttTrainer(config, ScalarKernels.INSTANCE)
                .oneStepPredictions(params, new Series("s", T0, STEP, v));
        Stepper stepper = servingStepper(spec, config, params);
        KeyState state = stepper.newState(1);
        int compared = 0;
        for (int t = 0; t < v.length; t++) {
            if (Float.isNaN(v[t])) {
                continue;
            }
            stepper.observe(state, T0 + t * STEP, v[t]);
            assertEquals(trained[t], state.expected, 1e-6 * (1 + Math.abs(trained[t])), "prediction made at step " + t);
            compared++;
        }
        assertEquals(110, compared);
        assertEquals(110, state.profile.count(), "observed values only");
    }

    /**
     * Train/serve parity for windows of several events: the profile learns each window's trimmed mean, the network
     * steps its mean, in the trainer's forward pass ({@link Series#trimmed}) as in the Stepper's
     * {@code observe(state, t, value, profileValue)}; and that is not what a profile of the means predicts.
     */
    @Test
    void trainingAndServingLetTheProfileLearnTheTrimmedMeans() {
        ModelSpec spec = spec(5);
        TrainConfig config = TrainConfig.defaults(spec);
        float[] params = Forecaster.initialize(spec, 12, ScalarKernels.INSTANCE).parameters();
        float[] v = dailySeries(120, 6);
        float[] trimmed = v.clone();
        SplittableRandom r = new SplittableRandom(8);
        for (int t = 0; t < v.length; t++) {
            trimmed[t] = (float) (v[t] - 3 * Math.abs(r.nextGaussian())); // one wild scrape above moved each mean up
        }
        for (int missing : new int[] {4, 30, 31, 77}) {
            v[missing] = Float.NaN;
            trimmed[missing] = Float.NaN;
        }
        TbpttTrainer trainer = new TbpttTrainer(config, ScalarKernels.INSTANCE);
        double[] trained = trainer.oneStepPredictions(params, new Series("s", T0, STEP, v, trimmed));
        double[] ofMeans = trainer.oneStepPredictions(params, new Series("s", T0, STEP, v));
        Stepper stepper = servingStepper(spec, config, params);
        KeyState state = stepper.newState(1);
        SeasonalProfile mirror = spec.newProfile();
        double apart = 0;
        for (int t = 0; t < v.length; t++) {
            mirror.update(T0 + t * STEP, trimmed[t]);
            if (Float.isNaN(v[t])) {
                continue;
            }
            stepper.observe(state, T0 + t * STEP, v[t], trimmed[t]);
            assertEquals(trained[t], state.expected, 1e-6 * (1 + Math.abs(trained[t])), "prediction made at step " + t);
            apart = Math.max(apart, Math.abs(ofMeans[t] - trained[t]));
        }
        assertEquals(mirror, state.profile, "the profile saw the trimmed means");
        assertTrue(apart > 0.1, "a profile of the means predicts otherwise; largest difference " + apart);
    }

    @Test
    void theInputIsTheProfilesForecastOfTheNextStepInTheStepsFrame() {
        ModelSpec spec = spec(3);
        float[] v = dailySeries(60, 3);
        PreparedSeries p = new PreparedSeries(new Series("s", T0, STEP, v), NormalizerSpec.DEFAULT, spec);
        SeasonalProfile profile = spec.newProfile();
        int in = spec.inputSize();
        for (int t = 0; t < v.length; t++) {
            profile.update(T0 + t * STEP, v[t]);
            double next = profile.forecast(T0 + (t + 1) * STEP);
            float expected = Double.isNaN(next) ? p.features[t * in] : (float) ((next - p.mean[t]) / p.scale[t]);
            assertEquals(expected, p.features[t * in + Features.LAG], 1e-6f, "input at " + t);
            assertEquals(expected, Float.isNaN(p.profileBase[t * 3]) ? p.features[t * in] : p.profileBase[t * 3], 1e-6f);
        }
        assertTrue(Float.isNaN(p.profileBase[0]), "the next hour's bin is unvisited after the first point");
    }

    @Test
    void anUntrainedHeadForecastsTheProfile() {
        ModelSpec spec = spec(30);
        Forecaster f = Forecaster.initialize(spec, 5, ScalarKernels.INSTANCE);
        var head = spec.tensors().get(spec.tensors().size() - 2);
        Arrays.fill(f.parameters(), head.offset(), f.parameters().length, 0f); // head.w and head.b
        Stepper stepper = new Stepper(f, NormalizerSpec.DEFAULT, STEP, 0.95, 10, 48);
        KeyState state = stepper.newState(1);
        SeasonalProfile mirror = spec.newProfile();
        float[] v = dailySeries(80, 9);
        StepResult r = null;
        for (int t = 0; t < v.length; t++) {
            r = stepper.observe(state, T0 + t * STEP, v[t]);
            mirror.update(T0 + t * STEP, v[t]);
        }
        state.lastResidual = Float.NaN; // the head's own forecast, without the key's carried one-step error
        r = stepper.forecast(state);
        long last = T0 + (v.length - 1) * STEP;
        for (int k = 1; k <= 30; k++) {
            double expected = mirror.forecast(last + k * STEP);
            assertEquals(expected, r.mean[k - 1], 1e-4 * Math.abs(expected), "step " + k);
        }
        assertEquals(mirror, state.profile);
    }

    /** The profile does not depend on the weights: a re-warm keeps it, and an old state without one gets one from its ring. */
    @Test
    void rewarmKeepsTheProfileAndAnOlderStateGetsOneFromItsRing() {
        ModelSpec spec = spec(4);
        Stepper stepper = new Stepper(Forecaster.initialize(spec, 1, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP,
                0.95, 10, 48);
        KeyState state = stepper.newState(1);
        float[] v = dailySeries(100, 2);
        for (int t = 0; t < v.length; t++) {
            stepper.observe(state, T0 + t * STEP, v[t]);
        }
        SeasonalProfile before = state.profile.copy();
        Stepper swapped = new Stepper(Forecaster.initialize(spec, 2, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP,
                0.95, 10, 48);
        assertTrue(swapped.needsRewarm(state, 2));
        swapped.rewarm(state, 2);
        assertEquals(before, state.profile);
        KeyState copy = swapped.rewarmedCopy(state, 3);
        assertEquals(before, copy.profile);
        assertEquals(swapped.forecast(state).mean[0], swapped.forecast(KeyStateCodec.decode(KeyStateCodec.encode(state))).mean[0], 0);

        KeyState old = KeyStateCodec.decode(KeyStateCodec.encode(state));
        old.profile = null; // as decoded from a state written before profiles
        assertTrue(swapped.needsRewarm(old, 2));
        swapped.rewarm(old, 2);
        assertNotNull(old.profile);
        assertEquals(48, old.profile.count(), "fed the 48 remembered inputs");
        SeasonalProfile fromRing = spec.newProfile();
        for (int t = 52; t < 100; t++) {
            fromRing.update(T0 + t * STEP, v[t]);
        }
        assertEquals(fromRing, old.profile, "the last two days");

        Stepper plain = new Stepper(Forecaster.initialize(new ModelSpec(CellType.LSTM, 1, Features.COUNT, 8, 4), 1,
                ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP, 0.95, 10, 48);
        plain.rewarm(old, 4);
        assertNull(old.profile, "a model without a profile drops it");
    }
}
