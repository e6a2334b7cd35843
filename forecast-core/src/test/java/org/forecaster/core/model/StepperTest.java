package org.forecaster.core.model;

import org.forecaster.core.stats.Gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.forecaster.core.kernel.ScalarKernels;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.KeyStateCodec;
import org.junit.jupiter.api.Test;

class StepperTest {
    private static final long STEP = 60_000L;
    private static final long T0 = 1_700_000_000_000L;

    private static Stepper stepper(long seed) {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 2, Features.COUNT, 8, 4);
        return new Stepper(Forecaster.initialize(spec, seed, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP, 0.95, 100, 16);
    }

    private static double[] values(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 100 + 10 * Math.sin(i / 5.0) + r.nextGaussian();
        }
        return v;
    }

    @Test
    void steppingInChunksThroughEncodedStateEqualsOnePass() {
        double[] v = values(60, 1);
        Stepper one = stepper(3);
        KeyState a = one.newState(1);
        double[] expectedA = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            expectedA[i] = one.observe(a, T0 + i * STEP, v[i]).mean[0];
        }
        Stepper other = stepper(3);
        KeyState b = other.newState(1);
        for (int i = 0; i < v.length; i++) {
            if (i % 7 == 0) {
                b = KeyStateCodec.decode(KeyStateCodec.encode(b)); // as if restored from the changelog
            }
            assertEquals(expectedA[i], other.observe(b, T0 + i * STEP, v[i]).mean[0], 0.0, "step " + i);
        }
        assertEquals(a, b);
    }

    @Test
    void anIntervalShapeScalesEachHorizonsIntervalAndLeavesMeansAndTheKeysCalibrationAlone() {
        ModelSpec spec = new ModelSpec(CellType.LSTM, 2, Features.COUNT, 8, 4);
        Forecaster model = Forecaster.initialize(spec, 3, ScalarKernels.INSTANCE);
        IntervalShape shape = IntervalShape.of(1, 0.9, 0.7, 2.5);
        Stepper flat = new Stepper(model, NormalizerSpec.DEFAULT, STEP, 0.95, 100, 16);
        Stepper shaped = new Stepper(model, NormalizerSpec.DEFAULT, STEP, 0.95, 100, 16, shape);
        KeyState a = flat.newState(1), b = shaped.newState(1);
        double[] v = values(80, 2);
        for (int i = 0; i < v.length; i++) {
            StepResult ra = flat.observe(a, T0 + i * STEP, v[i]);
            StepResult rb = shaped.observe(b, T0 + i * STEP, v[i]);
            for (int k = 0; k < 4; k++) {
                assertEquals(ra.mean[k], rb.mean[k], 0.0);
                double halfA = (ra.upper[k] - ra.lower[k]) / 2, halfB = (rb.upper[k] - rb.lower[k]) / 2;
                assertEquals(halfA * shape.width(k), halfB, 1e-9 * halfA, "step " + i + ", h" + (k + 1));
            }
        }
        // The one-step calibration moved the same way: it does not see the shape (the far end waits 288 points).
        assertEquals(a.intervalLogScale, b.intervalLogScale);
        assertEquals(0f, a.farLogScale);
        assertEquals(0f, b.farLogScale);
        assertThrows(IllegalArgumentException.class,
                () -> new Stepper(model, NormalizerSpec.DEFAULT, STEP, 0.95, 100, 16, IntervalShape.flat(3)));
    }

    /**
     * Issue 15: the far end of the calibration. Each point's step is judged against the h = H interval issued H steps
     * before it (kept in the state, so a restored key judges alike): a miss moves the far log-scale up by
     * {@code rate * 0.95}, a hit down by {@code rate * 0.05}, and not at all in the key's first 288 points.
     */
    @Test
    void theFarEndMovesByWhetherEachPointFellInsideTheIntervalIssuedHStepsBefore() {
        Stepper s = stepper(21);
        KeyState st = s.newState(1);
        double[] v = values(400, 21);
        int i = 0;
        for (; i < 300; i++) {
            StepResult r = s.observe(st, T0 + i * STEP, v[i]);
            // What the key keeps for its step H ahead is the h = H interval it was just given.
            assertEquals((float) r.mean[3], st.issuedMean(st.steps + 4));
            double halfInScales = (r.upper[3] - r.mean[3]) / Math.sqrt(st.normVariance);
            assertEquals(halfInScales, st.issuedHalf(st.steps + 4), 1e-3 * halfInScales);
            if (st.normCount < Stepper.FAR_CALIBRATION_SKIP_POINTS) {
                assertEquals(0f, st.farLogScale, "step " + i + ": the far end waits for the key's 289th point");
            }
        }
        KeyState hitting = KeyStateCodec.decode(KeyStateCodec.encode(st));
        assertEquals(st, hitting, "the pending intervals are stored exactly");
        // A next point far outside the interval issued for it: a miss.
        st.issue(st.steps + 1, (float) (v[i] + 1000), Float.floatToFloat16(0.1f));
        float before = st.farLogScale;
        s.observe(st, T0 + i * STEP, v[i]);
        assertEquals(before + Stepper.FAR_CALIBRATION_RATE * 0.95, st.farLogScale, 1e-6);
        // The same point right on the issued mean: a hit.
        hitting.issue(hitting.steps + 1, (float) v[i], Float.floatToFloat16(0.1f));
        s.observe(hitting, T0 + i * STEP, v[i]);
        assertEquals(before - Stepper.FAR_CALIBRATION_RATE * 0.05, hitting.farLogScale, 1e-6);
        assertEquals(st.intervalLogScale, hitting.intervalLogScale, "the near end does not see the h = H interval");
    }

    /**
     * The near end of the calibration moves fast over a key's first day (0.1 a judged point), faster than for good
     * over the rest of its first week (0.03), then at 0.01: a miss raises its log-scale by {@code rate * 0.95}.
     */
    @Test
    void theNearEndMovesFastForADayAndFasterForTheRestOfTheFirstWeek() {
        Stepper s = stepper(23);
        KeyState st = s.newState(1);
        double[] v = values(2600, 23);
        double[] rates = {Stepper.CALIBRATION_WARM_RATE, Stepper.CALIBRATION_YOUNG_RATE, Stepper.CALIBRATION_RATE};
        int[] at = {100, 1000, 2500};
        int i = 0;
        for (int phase = 0; phase < 3; phase++) {
            for (; i < at[phase]; i++) {
                s.observe(st, T0 + i * STEP, v[i]);
            }
            KeyState missing = KeyStateCodec.decode(KeyStateCodec.encode(st));
            missing.intervalLogScale = 0;
            s.observe(missing, T0 + i * STEP, v[i] + 1000 * Math.sqrt(st.normVariance));
            assertEquals(rates[phase] * 0.95, missing.intervalLogScale, 1e-6, "after " + i + " points");
        }
        assertEquals(0.1, Stepper.CALIBRATION_WARM_RATE);
        assertEquals(0.03, Stepper.CALIBRATION_YOUNG_RATE);
        assertEquals(0.01, Stepper.CALIBRATION_RATE);
    }

    /** Step k is widened by the log-scale linear in k between the near end (k = 1) and the far end (k = H). */
    @Test
    void eachHorizonIsWidenedBetweenTheNearAndFarScales() {
        Stepper s = stepper(22);
        KeyState st = s.newState(1);
        double[] v = values(50, 22);
        for (int i = 0; i < v.length; i++) {
            s.observe(st, T0 + i * STEP, v[i]);
        }
        st.intervalLogScale = 0;
        st.farLogScale = 0;
        double[] flat = new double[4];
        StepResult r = s.forecast(st);
        for (int k = 0; k < 4; k++) {
            flat[k] = r.upper[k] - r.lower[k];
        }
        st.intervalLogScale = -0.3f;
        st.farLogScale = 0.6f;
        r = s.forecast(st);
        for (int k = 0; k < 4; k++) {
            double logScale = -0.3f + k / 3.0 * (0.6f + 0.3f);
            assertEquals(flat[k] * Math.exp(logScale), r.upper[k] - r.lower[k], 1e-9 * flat[k], "h" + (k + 1));
        }
    }

    /**
     * A gap-filled step issues nothing, so the point after a gap is judged only where an interval was issued for its
     * step; a reset (a gap too long to fill) and a re-warm forget every pending interval, and keep the far scale.
     */
    @Test
    void gapsResetsAndRewarmsLeaveNoStaleIntervalToJudge() {
        Stepper s = stepper(23);
        KeyState st = s.newState(1);
        double[] v = values(40, 23);
        for (int i = 0; i < 30; i++) {
            s.observe(st, T0 + i * STEP, v[i]);
        }
        st.farLogScale = 0.25f;
        s.observe(st, T0 + 31 * STEP, v[31]); // the step at 30 is filled
        long filled = st.steps - 1;
        assertTrue(Float.isNaN(st.issuedMean(filled + 4)), "nothing issued at the filled step");
        assertFalse(Float.isNaN(st.issuedMean(st.steps + 4)));
        for (long k = 1; k <= 4; k++) {
            if (st.steps + k != filled + 4) {
                assertFalse(Float.isNaN(st.issuedMean(st.steps + k)), "pending for step +" + k);
            }
        }
        KeyState rewarmed = s.rewarmedCopy(st, 2);
        s.rewarm(st, 2);
        for (KeyState k : new KeyState[] {st, rewarmed}) {
            for (long j = 1; j <= 4; j++) {
                assertTrue(Float.isNaN(k.issuedMean(k.steps + j)), "a re-warm forgets what is pending");
            }
            assertEquals(0.25f, k.farLogScale);
        }
        s.observe(st, T0 + 33 * STEP, v[33]);
        s.observe(st, T0 + 300 * STEP, v[34]); // a gap over the limit of 100: a reset
        assertEquals(1, st.steps);
        for (long j = 1; j <= 3; j++) {
            assertTrue(Float.isNaN(st.issuedMean(st.steps + j)), "a reset forgets what is pending");
        }
        assertFalse(Float.isNaN(st.issuedMean(st.steps + 4)), "the point after it issues its own");
        assertEquals(0.25f, st.farLogScale);
    }

    /** The scale of the key's normaliser as it stands. */
    private static double scale(KeyState st) {
        Normalizer n = new Normalizer(NormalizerSpec.DEFAULT);
        n.set(st.normCount, st.normMean, st.normVariance);
        return n.scale();
    }

    /**
     * Issue 15: every forecast carries {@code s = c * p^(k-1)} of the key's last one-step error (in the normaliser's
     * scale) into step k, p being 0.99 per five minutes and c the running correlation of successive errors within
     * [0, 0.98], and narrows step k's interval by {@code sqrt(1 - s^2)}. A smooth key's errors run in streaks and are
     * carried; a noisy key's alternate and are not; the score keeps the model's own prediction.
     */
    @Test
    void forecastsCarryTheLastOneStepErrorByTheErrorsCorrelation() {
        Stepper s = stepper(24);
        SplittableRandom random = new SplittableRandom(24);
        KeyState smooth = s.newState(1), noisy = s.newState(1);
        double published = Double.NaN;
        for (int i = 0; i < 600; i++) {
            StepResult r = s.observe(smooth, T0 + i * STEP, 100 + 10 * Math.sin(i / 40.0) + 0.01 * random.nextGaussian());
            if (i > 300) {
                assertNotEquals(published, r.expected, "step " + i + ": scored against the model's own prediction");
            }
            published = r.mean[0];
            s.observe(noisy, T0 + i * STEP, 100 + random.nextGaussian());
        }
        assertTrue(smooth.residualCorrelation > 0.8, "smooth: " + smooth.residualCorrelation);
        assertTrue(noisy.residualCorrelation < 0.2, "noisy: " + noisy.residualCorrelation);

        StepResult r = s.forecast(smooth);
        double[] carrying = r.mean.clone(), carryingWidth = new double[4];
        for (int k = 0; k < 4; k++) {
            carryingWidth[k] = r.upper[k] - r.lower[k];
        }
        double last = smooth.lastResidual, scale = scale(smooth);
        assertFalse(Double.isNaN(last));
        smooth.lastResidual = Float.NaN;
        r = s.forecast(smooth);
        double c = Math.min(Stepper.MAX_RESIDUAL_CARRY, smooth.residualCorrelation);
        for (int k = 0; k < 4; k++) {
            double share = c * Math.pow(Math.pow(Stepper.RESIDUAL_PERSISTENCE_PER_5_MINUTES, STEP / 300_000.0), k), width = r.upper[k] - r.lower[k];
            assertEquals(share * last * scale, carrying[k] - r.mean[k], 1e-9 * Math.abs(r.mean[k]), "h" + (k + 1));
            // The carried error's share of the step's error variance is taken off the width, as for an AR(1).
            assertEquals(width * Math.sqrt(1 - share * share), carryingWidth[k], 1e-9 * width, "h" + (k + 1));
        }
        KeyState rewarmed = s.rewarmedCopy(smooth, 2);
        assertEquals(0f, rewarmed.residualCorrelation, "a re-warm forgets the old model's errors");
        assertEquals(0f, rewarmed.residualRms);
        assertTrue(Float.isNaN(rewarmed.lastResidual));
    }

    /**
     * The memory's update, point by point: the error clipped at 4 of its rms, the mean square and the mean product
     * with the error before moved at the rate (no product after a filled gap, which leaves no error before), each
     * rounded to a half float; a state restored from its bytes goes on alike.
     */
    @Test
    void theOneStepErrorsMemoryFollowsItsUpdateAcrossGapsAndRestores() {
        Stepper s = stepper(25);
        KeyState st = s.newState(1);
        double[] v = values(200, 25);
        for (int i = 0; i < v.length; i++) {
            if (i == 150) {
                continue; // a missing step: filled when the next point comes
            }
            float corr = st.residualCorrelation, rms = st.residualRms, last = st.lastResidual;
            // the error is the published prediction's before the carry: the network's correction weighed by the key
            double unkept = i == 151 || Float.isNaN(st.lastCorrection) ? 0 : (1 - st.correctionWeight) * st.lastCorrection * scale(st);
            StepResult r = s.observe(st, T0 + i * STEP, v[i]);
            if (!r.scored) {
                assertTrue(Float.isNaN(st.lastResidual));
                continue;
            }
            double e = (v[i] - (r.expected - unkept)) / scale(st);
            if (rms > 0) {
                e = Math.max(-Stepper.RESIDUAL_CLIP * rms, Math.min(Stepper.RESIDUAL_CLIP * rms, e));
            }
            double ms = (double) rms * rms, product = corr * ms;
            ms += Stepper.RESIDUAL_RATE * (e * e - ms);
            if (i == 151) {
                assertFalse(Float.isNaN(last), "the point before the gap had an error, not chained to this one");
            } else if (!Float.isNaN(last)) {
                product += Stepper.RESIDUAL_RATE * (e * last - product);
            }
            assertEquals(Float.float16ToFloat(Float.floatToFloat16((float) e)), st.lastResidual, "step " + i);
            assertEquals(Float.float16ToFloat(Float.floatToFloat16((float) Math.sqrt(ms))), st.residualRms, "step " + i);
            assertEquals(Float.float16ToFloat(Float.floatToFloat16((float) (product / ms))), st.residualCorrelation, "step " + i);
            if (i % 37 == 0) {
                assertEquals(st, KeyStateCodec.decode(KeyStateCodec.encode(st)), "step " + i);
            }
        }
    }

    /**
     * The weight of the network's correction, point by point: its mean square set by the first correction, then moved
     * at the rate, each rounded to a half float; the weight moved by one normalised LMS step on the published one-step
     * error within [0, 1]; nothing learnt across a filled gap; a state restored from its bytes goes on alike.
     */
    @Test
    void theCorrectionWeightFollowsItsLmsStepAcrossGapsAndRestores() {
        Stepper s = stepper(25);
        KeyState st = s.newState(1);
        double[] v = values(600, 25);
        int moved = 0;
        for (int i = 0; i < v.length; i++) {
            if (i == 300) {
                continue; // a missing step: filled when the next point comes
            }
            float w = st.correctionWeight, rms = st.correctionRms, r = st.lastCorrection, last = st.lastResidual;
            double scale = scale(st), share = Float.isNaN(last) ? 0 : Math.max(0, Math.min(Stepper.MAX_RESIDUAL_CARRY, st.residualCorrelation));
            StepResult res = s.observe(st, T0 + i * STEP, v[i]);
            if (!res.scored || i == 301 || Float.isNaN(r)) {
                assertEquals(w, st.correctionWeight, "step " + i + ": nothing to judge");
                assertEquals(rms, st.correctionRms, "step " + i);
                continue;
            }
            assertEquals(res.expected - (1 - w) * r * scale, res.weighed, 1e-9 * Math.abs(res.expected), "step " + i);
            double p = rms == 0 ? (double) r * r : (double) rms * rms + Stepper.CORRECTION_RATE * ((double) r * r - (double) rms * rms);
            float halfRms = Float.float16ToFloat(Float.floatToFloat16((float) Math.sqrt(p)));
            assertEquals(halfRms, st.correctionRms, "step " + i);
            double published = res.weighed + (Float.isNaN(last) ? 0 : share * last * scale);
            double next = w + Stepper.CORRECTION_RATE * (v[i] - published) / scale * r / ((double) halfRms * halfRms);
            assertEquals((float) Math.max(0, Math.min(1, next)), st.correctionWeight, 1e-6f, "step " + i);
            moved += st.correctionWeight != w ? 1 : 0;
            if (i % 37 == 0) {
                assertEquals(st, KeyStateCodec.decode(KeyStateCodec.encode(st)), "step " + i);
            }
        }
        assertTrue(moved > 200, "the weight moved at " + moved + " points");
        KeyState rewarmed = s.rewarmedCopy(st, 2);
        assertEquals(1f, rewarmed.correctionWeight, "a re-warm forgets the old model's corrections");
        assertEquals(0f, rewarmed.correctionRms);
        assertTrue(Float.isNaN(rewarmed.lastCorrection));
    }

    /**
     * Where the base already forecasts a key exactly (here the last value of a steady key) an untrained network's
     * corrections are all error: the key learns to keep almost none of them, and the forecasts it publishes before
     * the carried error beat the model's own prediction by far.
     */
    @Test
    void aKeyKeepsLessOfCorrectionsThatDoNotHelpAndItsForecastsGainByIt() {
        Stepper s = stepper(11);
        KeyState st = s.newState(1);
        double[] v = new double[4000];
        java.util.Arrays.fill(v, 100);
        double own = 0, weighed = 0;
        for (int i = 0; i < v.length; i++) {
            StepResult r = s.observe(st, T0 + i * STEP, v[i]);
            if (i >= 2000) {
                own += (v[i] - r.expected) * (v[i] - r.expected);
                weighed += (v[i] - r.weighed) * (v[i] - r.weighed);
            }
        }
        assertTrue(st.correctionWeight < 0.05, "weight " + st.correctionWeight);
        assertTrue(weighed < 0.01 * own, "squared errors weighed " + weighed + " against the model's own " + own);
    }

    /** Whatever the errors, the memory stays one the codec reads back: wild values, steps, a flat stretch, a spike. */
    @Test
    void theOneStepErrorsMemoryStaysWithinTheCodecsBoundsOnWildSeries() {
        Stepper s = stepper(26);
        KeyState st = s.newState(1);
        SplittableRandom random = new SplittableRandom(26);
        for (int i = 0; i < 3000; i++) {
            double v = switch ((i / 250) % 4) {
                case 0 -> random.nextGaussian() / Math.max(1e-3, random.nextDouble()); // heavy tails
                case 1 -> i % 50 < 25 ? 0 : 1e4; // steps
                case 2 -> 42; // flat
                default -> i % 97 == 0 ? 1e7 : random.nextDouble(); // spikes
            };
            s.observe(st, T0 + i * STEP, v);
            assertTrue(Math.abs(st.residualCorrelation) <= 1.05, "step " + i + ": " + st.residualCorrelation);
            assertTrue(Float.isFinite(st.residualRms) && (Float.isNaN(st.lastResidual) || Float.isFinite(st.lastResidual)));
            if (i % 50 == 0) {
                assertEquals(st, KeyStateCodec.decode(KeyStateCodec.encode(st)), "step " + i);
            }
        }
    }

    @Test
    void gapsAreFilledWithTheModelsOwnForecastAndFlaggedMissing() {
        Stepper s = stepper(4);
        KeyState st = s.newState(1);
        s.observe(st, T0, 10);
        s.observe(st, T0 + STEP, 11);
        StepResult r = s.observe(st, T0 + 5 * STEP, 12);
        assertEquals(3, r.gapsFilled);
        assertEquals(6, st.steps);
        assertEquals(6, st.remembered());
        assertTrue(Float.isNaN(st.recall(2)) && Float.isNaN(st.recall(4)) && st.recall(5) == 12f);
        assertEquals(3, st.normCount, "missing steps do not move the normaliser");
        StepResult reset = s.observe(st, T0 + 500 * STEP, 13);
        assertTrue(reset.stateReset, "a gap longer than the limit resets instead of looping");
        assertEquals(1, st.steps);
        // The inputs before the gap are forgotten: their time relative to the new point is unknown.
        assertEquals(1, st.remembered());
        assertEquals(13f, st.recall(0));
        assertTrue(Double.isNaN(s.valueOneSeasonBefore(st, T0 + 501 * STEP, 2)), "nothing from before the gap");
        // So a re-warm (after a weight swap) rebuilds exactly the state stepping built since the reset.
        KeyState rewarmed = KeyStateCodec.decode(KeyStateCodec.encode(st));
        s.rewarm(rewarmed, 1);
        assertArrayEquals(st.recurrent, rewarmed.recurrent);
    }

    @Test
    void scoresAgainstThePredictionMadeBeforeThePoint() {
        Stepper s = stepper(5);
        KeyState st = s.newState(1);
        assertEquals(false, s.observe(st, T0, 10).scored);
        double expected = st.expected, sigma = st.sigma;
        StepResult r = s.observe(st, T0 + STEP, expected + 3 * sigma);
        assertTrue(r.scored);
        assertEquals(expected, r.expected, 0.0);
        assertEquals(1 - Gaussian.twoSidedTail(3), r.score, 1e-9);
        assertTrue(r.lower[0] < r.mean[0] && r.mean[0] < r.upper[0]);
        assertEquals(T0 + 2 * STEP, r.timestamps[0]);
    }

    @Test
    void rejectsPointsThatAreNotAfterTheLastOne() {
        Stepper s = stepper(6);
        KeyState st = s.newState(1);
        s.observe(st, T0, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> s.observe(st, T0, 2));
        assertTrue(e.getMessage().contains("not after"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.observe(st, T0 + STEP, Double.NaN));
    }

    @Test
    void rewarmEqualsReplayingTheRingUnderTheNewWeights() {
        double[] v = values(40, 2);
        Stepper oldModel = stepper(7), newModel = stepper(8);
        KeyState st = oldModel.newState(1);
        for (int i = 0; i < v.length; i++) {
            oldModel.observe(st, T0 + i * STEP, v[i]);
        }
        newModel.rewarm(st, 2);
        assertEquals(2, st.modelVersion);
        // The same 16 ring inputs through the new weights from a zero state with the normaliser held fixed.
        Forecaster m = newModel.model();
        Normalizer n = new Normalizer(NormalizerSpec.DEFAULT);
        n.set(st.normCount, st.normMean, st.normVariance);
        float[][] states = m.newStates(1);
        float[] x = new float[Features.COUNT], out = new float[m.outputSize()];
        StepCaches cache = m.newCache(1);
        for (int i = 0; i < 16; i++) {
            int idx = v.length - 16 + i;
            Features.fill(x, 0, n.normalize((float) v[idx]), false, T0 + idx * STEP);
            m.step(1, x, 0, Features.COUNT, states, out, 0, cache);
        }
        assertEquals(n.denormalize(out[0]), st.expected, 0.0);
        for (int j = 0; j < 16; j++) {
            assertEquals(states[0][j], st.recurrent[j], 0f);
        }
    }

    @Test
    void valueOneSeasonBeforeReadsTheRingAcrossShortGapsAndIsUnknownBeforeASeason() {
        Stepper s = stepper(5);
        KeyState st = s.newState(1);
        assertTrue(Double.isNaN(s.valueOneSeasonBefore(st, T0, 3)), "no point yet");
        for (int i = 0; i < 4; i++) {
            if (i > 0 && i < 3) {
                assertTrue(Double.isNaN(s.valueOneSeasonBefore(st, T0 + i * STEP, 3)), "fewer than a season at " + i);
            }
            s.observe(st, T0 + i * STEP, 10 + i);
        }
        assertEquals(11, s.valueOneSeasonBefore(st, T0 + 4 * STEP, 3), 0, "the point 3 steps before step 4 is step 1");
        assertEquals(12, s.valueOneSeasonBefore(st, T0 + 5 * STEP, 3), 0, "after a gap of one step: step 2");
        assertEquals(13, s.valueOneSeasonBefore(st, T0 + 6 * STEP, 3), 0, "after a gap of two steps: step 3");
        assertTrue(Double.isNaN(s.valueOneSeasonBefore(st, T0 + 7 * STEP, 3)), "a season in the gap");
        s.observe(st, T0 + 6 * STEP, 16); // fills steps 4 and 5
        assertEquals(13, s.valueOneSeasonBefore(st, T0 + 7 * STEP, 3), 0, "step 4 was missing: its known neighbour 3");
        assertEquals(16, s.valueOneSeasonBefore(st, T0 + 8 * STEP, 3), 0, "step 5 was missing: its known neighbour 6");
        assertEquals(16, s.valueOneSeasonBefore(st, T0 + 9 * STEP, 3), 0, "after a gap of two steps: step 6");
        s.observe(st, T0 + 8 * STEP, 18); // fills step 7
        s.observe(st, T0 + 9 * STEP, 19);
        assertEquals(17, s.valueOneSeasonBefore(st, T0 + 10 * STEP, 3), 0, "step 7 was missing: the mean of 16 and 18");
        s.observe(st, T0 + 13 * STEP, 23); // fills 10, 11, 12
        assertTrue(Double.isNaN(s.valueOneSeasonBefore(st, T0 + 14 * STEP, 3)), "steps 10, 11 and 12 were missing");
    }

    @Test
    void valueOneSeasonBeforeToleratesJitterBelowHalfAStep() {
        // Telemetry timestamps wobble (here +-1/6 step): a point 0.6 or 1.4 steps after the last is still the next step (observe fills
        // no gap for it), so it has its seasonal value; one under half a step after the last is not a new step, and
        // one 1.6 steps after comes after one missing step.
        Stepper s = stepper(5);
        KeyState st = s.newState(1);
        for (int i = 0; i < 4; i++) {
            s.observe(st, T0 + i * STEP + (i % 2 == 0 ? 10_000 : -10_000), 10 + i);
        }
        long last = st.lastTimestamp;
        assertEquals(11, s.valueOneSeasonBefore(st, last + STEP * 6 / 10, 3), 0);
        assertEquals(11, s.valueOneSeasonBefore(st, last + STEP * 14 / 10, 3), 0);
        assertTrue(Double.isNaN(s.valueOneSeasonBefore(st, last + STEP * 4 / 10, 3)), "less than half a step later");
        assertEquals(12, s.valueOneSeasonBefore(st, last + STEP * 16 / 10, 3), 0, "after a missing step");
    }

    private static Stepper seasonalStepper(long seed) {
        ModelSpec spec = new ModelSpec(CellType.GRU, 2, Features.count(4), 8, 6, 4);
        return new Stepper(Forecaster.initialize(spec, seed, ScalarKernels.INSTANCE), NormalizerSpec.DEFAULT, STEP, 0.95, 100, 16);
    }

    @Test
    void forecastRecomputedFromTheStateEqualsWhatObserveReturnedAndChangesNothing() {
        for (Stepper s : new Stepper[] {stepper(9), seasonalStepper(9)}) {
            double[] v = values(40, 3);
            KeyState st = s.newState(1);
            for (int i = 0; i < v.length; i++) {
                if (i % 9 == 4) {
                    continue; // a missing step: observe fills it
                }
                StepResult r = s.observe(st, T0 + i * STEP, v[i]);
                long[] ts = r.timestamps.clone();
                double[] mean = r.mean.clone(), lower = r.lower.clone(), upper = r.upper.clone();
                byte[] before = KeyStateCodec.encode(st);
                KeyState restored = KeyStateCodec.decode(before); // as the REST API reads it from the store
                StepResult again = s.forecast(restored, v[i]);
                String at = s.model().spec() + " step " + i;
                assertArrayEquals(ts, again.timestamps, at);
                assertArrayEquals(mean, again.mean, 0.0, at);
                assertArrayEquals(lower, again.lower, 0.0, at);
                assertArrayEquals(upper, again.upper, 0.0, at);
                assertArrayEquals(before, KeyStateCodec.encode(restored), "forecast changed the state at " + at);
                // The state keeps the last value as it came in, so the forecast needs nothing else.
                assertEquals(v[i], restored.lastValue, 0.0, at);
                assertArrayEquals(mean, s.forecast(restored).mean, 0.0, at);
                // A state without it (codec version 1) takes the float the ring keeps: equal up to that rounding.
                restored.lastValue = Double.NaN;
                StepResult fromRing = s.forecast(restored);
                for (int k = 0; k < mean.length; k++) {
                    assertEquals(mean[k], fromRing.mean[k], 1e-5 * Math.abs(mean[k]), at);
                }
            }
        }
    }

    @Test
    void forecastFromTheRingIsExactForValuesThatAreFloats() {
        Stepper s = seasonalStepper(10);
        double[] v = values(30, 4);
        KeyState st = s.newState(1);
        for (int i = 0; i < v.length; i++) {
            double value = (float) v[i];
            double[] mean = s.observe(st, T0 + i * STEP, value).mean.clone();
            assertArrayEquals(mean, s.forecast(st).mean, 0.0, "step " + i);
        }
    }

    @Test
    void replayedOneStepPredictionsAreThoseOfRewarmingEachPrefixOfTheRing() {
        double[] v = values(40, 6);
        Stepper s = stepper(15);
        KeyState st = s.newState(1);
        for (int i = 0; i < v.length; i++) {
            if (i != 31) { // one missing step inside the ring
                s.observe(st, T0 + i * STEP, v[i]);
            }
        }
        st.intervalLogScale = 0.3f; // a widened interval must widen the replayed bands too
        byte[] before = KeyStateCodec.encode(st);
        double[][] oneStep = s.replayOneStep(st, 1);
        assertArrayEquals(before, KeyStateCodec.encode(st), "the state is unchanged");
        int n = st.remembered();
        assertEquals(16, n);
        assertTrue(Double.isNaN(oneStep[0][0]) && Double.isNaN(oneStep[1][0]) && Double.isNaN(oneStep[2][0]));
        double z = Gaussian.quantile(0.975);
        for (int i = 1; i < n; i++) {
            // The first i inputs alone, ending one step before input i, re-warmed: its prediction is that for input i.
            KeyState prefix = s.newState(1);
            prefix.normCount = st.normCount;
            prefix.normMean = st.normMean;
            prefix.normVariance = st.normVariance;
            prefix.intervalLogScale = st.intervalLogScale;
            prefix.lastTimestamp = st.lastTimestamp - (long) (n - i) * STEP;
            for (int j = 0; j < i; j++) {
                prefix.remember(st.recall(j));
            }
            s.rewarm(prefix, 1);
            assertEquals(prefix.expected, oneStep[0][i], 0.0, "mean of input " + i);
            double half = z * prefix.sigma * Math.exp(0.3f);
            assertEquals(prefix.expected - half, oneStep[1][i], 1e-9 * Math.abs(half), "lower of input " + i);
            assertEquals(prefix.expected + half, oneStep[2][i], 1e-9 * Math.abs(half), "upper of input " + i);
            assertTrue(oneStep[1][i] < oneStep[0][i] && oneStep[0][i] < oneStep[2][i]);
        }
    }

    @Test
    void rewarmedCopyEqualsRewarmingInPlaceAndLeavesTheOriginalAlone() {
        double[] v = values(30, 5);
        Stepper oldModel = stepper(11), newModel = stepper(12);
        KeyState st = oldModel.newState(1);
        for (int i = 0; i < v.length; i++) {
            oldModel.observe(st, T0 + i * STEP, v[i]);
        }
        assertFalse(oldModel.needsRewarm(st, 1));
        assertTrue(newModel.needsRewarm(st, 2));
        byte[] before = KeyStateCodec.encode(st);
        KeyState copy = newModel.rewarmedCopy(st, 2);
        assertArrayEquals(before, KeyStateCodec.encode(st), "the original is unchanged");
        KeyState inPlace = KeyStateCodec.decode(before);
        newModel.rewarm(inPlace, 2);
        assertEquals(inPlace, copy);
        assertFalse(newModel.needsRewarm(copy, 2));
        // Another architecture and ring size: the copy takes this model's shape and the newest inputs.
        Stepper other = seasonalStepper(13);
        KeyState reshaped = other.rewarmedCopy(st, 3);
        assertEquals(other.newState(3).recurrent.length, reshaped.recurrent.length);
        assertEquals(16, reshaped.remembered());
        assertEquals(st.recall(st.remembered() - 1), reshaped.recall(15), 0f);
        assertEquals(st.lastTimestamp, reshaped.lastTimestamp);
        assertEquals(st.normMean, reshaped.normMean, 0.0);
        assertEquals(st.lastValue, reshaped.lastValue, 0.0);
        assertFalse(other.needsRewarm(reshaped, 3));
        assertTrue(Double.isFinite(other.forecast(reshaped).mean[5]));
    }

    @Test
    void forecastRejectsAStateOfAnotherShapeOrWithoutAPoint() {
        Stepper s = stepper(14);
        assertThrows(IllegalArgumentException.class, () -> s.forecast(s.newState(1)));
        KeyState st = s.newState(1);
        s.observe(st, T0, 5);
        assertThrows(IllegalArgumentException.class, () -> seasonalStepper(14).forecast(st));
        assertThrows(IllegalArgumentException.class, () -> s.forecast(st, Double.NaN));
    }
}
