package org.forecaster.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.forecaster.core.kernel.ScalarKernels;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.model.StepCaches;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;
import org.junit.jupiter.api.Test;

/** The seasonal-lag input is computed the same way in training (PreparedSeries) and serving (Stepper). */
class SeasonLagFeaturesTest {
    private static final long STEP = 3_600_000L, T0 = 1_700_000_000_000L;
    private static final int LAG = 5;

    @Test
    void trainerInputsMatchTheOnlineStepperWithASeasonLag() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.count(LAG), 8, 3, LAG);
        Forecaster f = Forecaster.initialize(spec, 7, ScalarKernels.INSTANCE);
        SplittableRandom r = new SplittableRandom(3);
        float[] v = new float[40];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (50 + 10 * Math.sin(2 * Math.PI * i / LAG) + r.nextGaussian());
        }
        PreparedSeries p = new PreparedSeries(new Series("s", T0, STEP, v), NormalizerSpec.DEFAULT, LAG);
        int in = spec.inputSize();
        Stepper stepper = new Stepper(f, NormalizerSpec.DEFAULT, STEP, 0.95, 10, LAG);
        KeyState state = stepper.newState(1);
        float[][] states = f.newStates(1);
        StepCaches cache = f.newCache(1);
        float[] out = new float[f.outputSize()];
        float[] base = new float[spec.horizon()];
        for (int t = 0; t < v.length; t++) {
            p.seasonalBase(t, spec.horizon(), LAG, p.features[t * in], base, 0);
            f.step(1, p.features, t * in, in, states, out, 0, cache, base, 0);
            stepper.observe(state, T0 + t * STEP, v[t]);
            double offline = p.mean[t] + out[0] * p.scale[t];
            assertEquals(offline, state.expected, 1e-9 * Math.abs(offline), "step " + t); // the model's own, unweighed
            if (t + 1 < LAG) {
                assertEquals(p.features[t * in], p.features[t * in + Features.LAG], 0f, "no season yet: persistence at " + t);
            } else {
                float expected = (float) ((v[t + 1 - LAG] - p.mean[t]) / p.scale[t]);
                assertEquals(expected, p.features[t * in + Features.LAG], 1e-6f, "lag input at " + t);
            }
        }
        assertNotEquals(p.features[30 * in], p.features[30 * in + Features.LAG]);
    }

    /**
     * Train/serve parity with missing steps (issue 15): the trainer's forward pass and the model service's Stepper,
     * which fills a gap with the model's own forecasts, make the same one-step prediction at every observed step.
     * Gaps sit where the lag is unknown (before one season, and one season after another gap), the case in which
     * training used to feed 0 as the lag input and serving the forecast.
     */
    @Test
    void trainingAndServingPredictTheSameAcrossMissingSteps() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.count(LAG), 8, 3, LAG);
        TrainConfig config = TrainConfig.defaults(spec);
        float[] params = Forecaster.initialize(spec, 11, ScalarKernels.INSTANCE).parameters();
        SplittableRandom r = new SplittableRandom(5);
        float[] v = new float[60];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (50 + 10 * Math.sin(2 * Math.PI * i / LAG) + r.nextGaussian());
        }
        for (int missing : new int[] {2, 3, 17, 17 + LAG, 30, 31, 32, 44}) {
            v[missing] = Float.NaN;
        }
        double[] trained = new TbpttTrainer(config, ScalarKernels.INSTANCE)
                .oneStepPredictions(params, new Series("s", T0, STEP, v));
        Stepper stepper = new Stepper(new Forecaster(spec, params, ScalarKernels.INSTANCE), config.normalizer(), STEP, 0.95,
                10, LAG);
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
        assertEquals(52, compared);
    }

    @Test
    void rejectsARingShorterThanTheSeasonAndAMismatchedInputSize() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.count(LAG), 4, 1, LAG);
        Forecaster f = Forecaster.initialize(spec, 1, ScalarKernels.INSTANCE);
        assertThrows(IllegalArgumentException.class, () -> new Stepper(f, NormalizerSpec.DEFAULT, STEP, 0.95, 10, LAG - 1));
        ModelSpec wrong = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 4, 1, LAG);
        assertThrows(IllegalArgumentException.class,
                () -> new Stepper(Forecaster.initialize(wrong, 1, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP, 0.95, 10, 16));
    }

    @Test
    void anUntrainedHeadForecastsTheSeasonalNaive() {
        int horizon = 2 * LAG + 1;
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.count(LAG), 4, horizon, LAG);
        Forecaster f = Forecaster.initialize(spec, 5, ScalarKernels.INSTANCE);
        var head = spec.tensors().get(spec.tensors().size() - 2);
        java.util.Arrays.fill(f.parameters(), head.offset(), f.parameters().length, 0f); // head.w and head.b
        Stepper stepper = new Stepper(f, NormalizerSpec.DEFAULT, STEP, 0.95, 10, LAG);
        KeyState state = stepper.newState(1);
        double[] v = new double[23];
        StepResult r = null;
        for (int t = 0; t < v.length; t++) {
            v[t] = 100 + 7 * (t % LAG) + 0.5 * t;
            r = stepper.observe(state, T0 + t * STEP, v[t]);
        }
        state.lastResidual = Float.NaN; // the head's own forecast, without the key's carried one-step error
        r = stepper.forecast(state);
        int last = v.length - 1;
        for (int k = 1; k <= horizon; k++) {
            double naive = v[last + k - LAG * ((k + LAG - 1) / LAG)];
            assertEquals(naive, r.mean[k - 1], 1e-4 * naive, "step " + k);
        }
        assertEquals(0, Features.seasonalOffset(LAG, LAG));
        assertEquals(1 - LAG, Features.seasonalOffset(1, LAG));
        assertEquals(1 - LAG, Features.seasonalOffset(LAG + 1, LAG));
    }
}
