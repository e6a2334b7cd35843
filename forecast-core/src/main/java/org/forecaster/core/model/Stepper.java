package org.forecaster.core.model;

import java.util.Arrays;
import org.forecaster.core.baseline.SeasonalProfile;
import org.forecaster.core.stats.Gaussian;
import org.forecaster.core.state.KeyState;

/**
 * The online path: advances one key's {@link KeyState} by one observed point, filling any missing steps
 * first, scores the point against the one-step prediction made before it, and forecasts the next K steps.
 * The model service, the CLI and the trainer's evaluation all go through this class, so offline numbers
 * predict live ones. Allocation-free per point; one instance per thread (it owns scratch buffers and the
 * reused {@link StepResult}).
 *
 * <p>Anomaly score: {@code 1 - P(|Z| >= |z|)} for the point's standardised deviation {@code z} under the
 * one-step Gaussian prediction, so 0 at the mean and towards 1 in the tails.
 */
public final class Stepper {
    /**
     * Step of a key's interval log-scale per scored point (adaptive conformal inference, Gibbs and Candes 2021): up by
     * {@code RATE * (1 - miss rate)} when the point falls outside its one-step interval, down by
     * {@code RATE * miss rate} when inside, so the key's intervals settle where they miss at the rate they claim,
     * whatever the shape of its errors (a Gaussian head under-covers heavy tails, over-covers a quiet series).
     * 0.01 was picked from 0 / 0.005 / 0.01 / 0.02 / 0.05 on the bundled model's generated training scenarios (seeds
     * 1, 3, 4) as the rate whose worst coverage over h = 1 and 12 stayed closest to 95 % (94.7-97.0 %;
     * docs/evaluation.md, "Interval calibration").
     */
    static final double CALIBRATION_RATE = 0.01;
    /**
     * A new key's first points move the scale ten times faster: a step down is only {@code RATE * 0.05}, so a key
     * whose model intervals start twice too wide would otherwise take about five days of 5-minute steps to narrow
     * them. Picked with the rate above (warm-up of 0 / 288 / 576 at 0.05 / 0.1); 0.05 until the far end below took
     * h = H off the near end, which quiet keys' intervals (3.5 times their errors' spread on day 1) needed. Counted by
     * the normaliser's points, which a weight swap's re-warm carries over, so a new model does not restart the fast
     * phase.
     */
    static final long CALIBRATION_WARM_POINTS = 288;
    static final double CALIBRATION_WARM_RATE = 0.1;
    /**
     * Then, until the key's first week is out, the scale moves at this rate: at {@link #CALIBRATION_RATE} it still
     * trailed the narrowing model sigma of a key whose profile was learning, and keys 3-6 days old covered 93.5-93.7 %
     * at h = 1. Picked on generated 6-day scenarios (40 series; seeds 1102, 1111-1114) with the training scenarios 1,
     * 3, 4, 8 and quiet samples 61 and 63, as the setting whose worst coverage over every horizon stayed closest to
     * 95 %, among two days at the warm rate, 0.03 to 864 points, 0.02 to 1,152, 2,016 or 4,032 and 0.03 to 2,016:
     * 93.5 -> 94.3 % (docs/evaluation.md, issue 15's twenty-first session).
     */
    static final long CALIBRATION_YOUNG_POINTS = 2016;
    static final double CALIBRATION_YOUNG_RATE = 0.03;
    /**
     * The far end of the calibration: a second log-scale moved, at this rate, by whether each point fell inside the
     * h = H interval issued for it H steps before; step k's intervals are widened by the log-scale linear in k between
     * the two ends. One scale for every horizon left the far end to the model's interval shape, pooled over keys:
     * too narrow for quiet keys (h = 12 coverage 92.4 % on a quiet sample) once the near end had narrowed theirs. The
     * far end waits for {@link #FAR_CALIBRATION_SKIP_POINTS}: a new key's first day of h = H misses are the profile's
     * first season. Rate and skip (with the near end's warm-up rate above) were chosen in an offline
     * replay on training scenarios 1, 3, 4, 8 and three quiet samples, over skips 0 / 288 / 576 x rates 0.01-0.05
     * (docs/evaluation.md, "intervals calibrated at both ends of the horizon", and the replay before it).
     */
    static final double FAR_CALIBRATION_RATE = 0.05;
    static final long FAR_CALIBRATION_SKIP_POINTS = 288;
    /**
     * Rate of the one-step errors' running moments per scored point (about 100 points remembered). Each forecast
     * carries {@code s_k = c * p^(k-1)} of the key's last one-step error into step k, {@code c} being the running
     * correlation of successive errors within [0, {@link #MAX_RESIDUAL_CARRY}] and {@code p} the step's
     * {@link #RESIDUAL_PERSISTENCE_PER_5_MINUTES}: an ARMA(1, 1) of the model's own errors, whose lag-1 correlation
     * is fitted per key. Where {@code s_k} is the errors' lag-k correlation, the carried step's error variance is
     * {@code 1 - s_k^2} of the uncarried one, so step k's interval is narrowed by its square root (the calibration
     * then judges what was published). Where the profile misses a quiet key's day by a smooth amount, the errors run
     * in long streaks that the network, reading inputs scaled to the key's whole swing, does not see; noisy keys'
     * errors are nearly independent and carry nothing. The anomaly score and the alerts keep the model's own
     * prediction (their thresholds were chosen on it). The rate (0.003 / 0.01) was chosen in a numpy replay of the
     * profile on training scenarios 5 and 8 and quiet samples 61 and 63, then checked served on training 5-8 and
     * quiet 61-63 (docs/evaluation.md, "the model's own errors carried forward"). The ratio stays within about
     * +-1 (the codec rejects +-4): each pair's earlier error is in the mean square too (Cauchy-Schwarz).
     */
    static final double RESIDUAL_RATE = 0.01;
    static final double MAX_RESIDUAL_CARRY = 0.98;
    /**
     * How much of the carried error is kept per five minutes of horizon ({@code c * p^(k-1)} at step k, p per step):
     * a quiet key's errors are mostly the profile's smooth miss, which lasts hours, plus noise, which does not, so
     * they stay correlated over the horizon by about their lag-1 correlation. At 5-minute steps 0.99 (half after
     * 5.7 hours) against 0.95 / 0.98 / 1 and {@code c^k} (an AR(1)) in the replay; 1 was as good over 12 steps. Per
     * time, not per step: M4's hourly series, forecast 48 hours ahead, lost 0.008 OWA at 0.99 per step (0.002 now).
     */
    static final double RESIDUAL_PERSISTENCE_PER_5_MINUTES = 0.99;
    /**
     * Rate at which a key learns how much of the network's correction of its means' base (the profile's forecast, or
     * the seasonal-naive or last value) its forecasts keep. Step k publishes {@code base_k + w * (mean_k - base_k)}
     * (plus the carried error), and after each one-step forecast {@code w} takes a normalised least-mean-squares step
     * on its error, {@code w += RATE * e * r / P} within [0, 1], {@code r} being the correction the network made to
     * that step and {@code P} the running mean square of {@code r} at the same rate (first set to {@code r^2}; its
     * root kept as a half float, as the codec stores it). One global network corrects every key, and where a key's
     * base already forecasts well (a quiet key, whose profile carries its day) the correction is mostly noise, larger
     * at long horizons: served, the network was no better at h = 12 than the profile with the carried error on the
     * training scenarios' keys, and on quiet samples some draws of the network were 1.3-1.5 x Holt-Winters where
     * others were 1.1 x. A weight judged at h = 1 and applied to every step did as well as one weight per step in a
     * numpy replay of the served forecasts on training scenarios 5 and 8 and quiet samples 61 and 63
     * ({@code tools/correction-weight}). Of the rates 0.003 / 0.01 / 0.03 / 0.1 there, 0.03 and 0.1 did best; served,
     * 0.03 was within 1 % of 0.01 on those four but worse on M4's own cut (OWA 0.525 against 0.522 over three seeds)
     * and on a bad draw of the network (quiet 61 1.117 against 1.070 x Holt-Winters), so 0.01 (docs/evaluation.md,
     * issue 15's twentieth session). The anomaly score and alerts keep the model's own prediction.
     */
    static final double CORRECTION_RATE = 0.01;
    /** One-step errors are clipped at this many of the key's error rms before they are carried or counted. */
    static final double RESIDUAL_CLIP = 4;
    /** Bound of the log-scale: intervals from a sixth to six times the model's own width (ln 6 = 1.79). */
    static final double MAX_LOG_SCALE = 1.79;

    private final Forecaster model;
    private final IntervalShape shape;
    private final Normalizer normalizer;
    private final long stepMillis;
    private final double intervalZ;
    /** The share of points the intervals claim to miss, {@code 1 - intervalLevel}. */
    private final double missRate;
    /** The carried error's share kept per step of this stepper's length. */
    private final double residualPersistence;
    private final int maxGapSteps;
    private final int ringCapacity;
    private final float[][] states;
    private final StepCaches cache;
    private final float[] x, out;
    /** The K seasonal-naive or profile bases of the means; null for a model with neither. */
    private final float[] base;
    private final StepResult result;
    /** Scratch of the batched observe, from {@link #reserveBatch}; none until then. */
    private int batchCapacity;
    private float[][] batchStates;
    private StepCaches batchCache;
    private float[] batchX, batchOut, batchBase;
    private StepResult[] batchResults;

    /**
     * @param stepMillis    the series step (the ingest window)
     * @param intervalLevel central probability of the forecast intervals, e.g. 0.95
     * @param maxGapSteps   longer gaps reset the recurrent state instead of being filled step by step
     * @param ringCapacity  inputs remembered per key for re-warming
     */
    public Stepper(Forecaster model, NormalizerSpec normalizer, long stepMillis, double intervalLevel,
                   int maxGapSteps, int ringCapacity) {
        this(model, normalizer, stepMillis, intervalLevel, maxGapSteps, ringCapacity, IntervalShape.flat(model.spec().horizon()));
    }

    /**
     * A stepper whose intervals at each horizon are also widened by {@code shape} (the model header's, fitted on a
     * held-back slice), over the key's own scale.
     */
    public Stepper(Forecaster model, NormalizerSpec normalizer, long stepMillis, double intervalLevel,
                   int maxGapSteps, int ringCapacity, IntervalShape shape) {
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("step must be positive, got " + stepMillis + " ms");
        }
        if (!(intervalLevel > 0 && intervalLevel < 1)) {
            throw new IllegalArgumentException("interval level must be in (0, 1), got " + intervalLevel);
        }
        if (maxGapSteps < 0 || ringCapacity < 1) {
            throw new IllegalArgumentException("max gap must be >= 0 and ring capacity >= 1, got " + maxGapSteps + ", " + ringCapacity);
        }
        Features.check(model.spec());
        if (ringCapacity < model.spec().seasonLag()) {
            throw new IllegalArgumentException("ring capacity " + ringCapacity + " cannot hold the model's season lag of "
                    + model.spec().seasonLag() + " steps");
        }
        if (shape.horizon() != model.spec().horizon()) {
            throw new IllegalArgumentException("interval shape of " + shape.horizon() + " steps for a model of "
                    + model.spec().horizon());
        }
        this.model = model;
        this.shape = shape;
        this.normalizer = new Normalizer(normalizer);
        this.stepMillis = stepMillis;
        this.residualPersistence = Math.pow(RESIDUAL_PERSISTENCE_PER_5_MINUTES, stepMillis / 300_000.0);
        this.intervalZ = Gaussian.quantile(0.5 + intervalLevel / 2);
        this.missRate = 1 - intervalLevel;
        this.maxGapSteps = maxGapSteps;
        this.ringCapacity = ringCapacity;
        this.states = model.newStates(1);
        this.cache = model.newCache(1);
        this.x = new float[model.spec().inputSize()];
        this.out = new float[model.outputSize()];
        this.base = model.spec().seasonLag() > 0 || model.spec().hasProfile() ? new float[model.spec().horizon()] : null;
        this.result = new StepResult(model.spec().horizon());
    }

    public Forecaster model() {
        return model;
    }

    public IntervalShape shape() {
        return shape;
    }

    public long stepMillis() {
        return stepMillis;
    }

    /** A new key's state: zero recurrent state, empty normaliser, ring and (for a profile model) profile. */
    public KeyState newState(long modelVersion) {
        KeyState s = new KeyState(model.spec().stateSize(), ringCapacity);
        s.modelVersion = modelVersion;
        s.profile = model.spec().newProfile();
        s.keepIssued(issuedSlots());
        return s;
    }

    /** The h = H intervals a key keeps for the far end of its calibration: H, or none for a one-step model. */
    private int issuedSlots() {
        int horizon = model.spec().horizon();
        return horizon > 1 ? horizon : 0;
    }

    /**
     * Advances {@code state} by the point {@code (timestamp, value)}; the returned result is reused by the
     * next call. Missing steps up to {@code maxGapSteps} are filled one by one; a longer gap resets the recurrent
     * state and forgets the remembered inputs (their time relative to this point is lost). Throws
     * IllegalArgumentException for a non-finite value or a timestamp not after the key's
     * last one (the caller decides what a duplicate or late point means).
     */
    public StepResult observe(KeyState state, long timestamp, double value) {
        return observe(state, timestamp, value, value);
    }

    /**
     * As {@link #observe(KeyState, long, double)}, the key's seasonal profile learning {@code profileValue} instead
     * of {@code value}: a window's trimmed mean, which one wild scrape does not move, while the network steps and
     * forecasts the window's mean. Training feeds its profile the same ({@code Series.trimmed}).
     */
    public StepResult observe(KeyState state, long timestamp, double value, double profileValue) {
        check(state, timestamp, value, profileValue);
        beforeStep(state, timestamp, value, profileValue, result);
        run(state);
        afterStep(state, timestamp, value, result);
        return result;
    }

    /**
     * Sets aside scratch for {@link #observe(int, KeyState[], long[], double[])} batches of up to {@code maxBatch}
     * keys (once per instance; a larger {@code maxBatch} replaces it). Single-key users never pay for it.
     */
    public void reserveBatch(int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("batch capacity must be positive, got " + maxBatch);
        }
        if (maxBatch <= batchCapacity) {
            return;
        }
        ModelSpec spec = model.spec();
        batchStates = model.newStates(maxBatch);
        batchCache = model.newCache(maxBatch);
        batchX = new float[maxBatch * spec.inputSize()];
        batchOut = new float[maxBatch * model.outputSize()];
        batchBase = base == null ? null : new float[maxBatch * spec.horizon()];
        batchResults = new StepResult[maxBatch];
        for (int i = 0; i < maxBatch; i++) {
            batchResults[i] = new StepResult(spec.horizon());
        }
        batchCapacity = maxBatch;
    }

    /**
     * Advances {@code n} distinct keys by one point each, {@code states[i]} by {@code (timestamps[i], values[i])}:
     * what {@link #observe(KeyState, long, double)} does to each, with the network step of the points themselves
     * run for all keys at once through the batched kernels ({@code Kernels.gemm}); gap-filling steps before them run
     * key by key. A key's results are bit-identical to {@code observe}'s when the kernels' batched product gives a
     * key the same sums whatever the batch around it ({@link #batchInvariant}); scalar kernels do. Every key is
     * checked before any is changed (same exceptions as {@code observe}), so a bad point changes no state. Returns
     * reused results, {@code [i]} for key {@code i}, valid until the next batch. Needs {@link #reserveBatch} first.
     */
    public StepResult[] observe(int n, KeyState[] states, long[] timestamps, double[] values) {
        return observe(n, states, timestamps, values, values);
    }

    /**
     * As {@link #observe(int, KeyState[], long[], double[])}, key {@code i}'s profile learning {@code profileValues[i]}
     * (see {@link #observe(KeyState, long, double, double)}).
     */
    public StepResult[] observe(int n, KeyState[] states, long[] timestamps, double[] values, double[] profileValues) {
        if (n < 0 || n > batchCapacity) {
            throw new IllegalArgumentException("batch of " + n + " keys, capacity " + batchCapacity + " (reserveBatch)");
        }
        for (int i = 0; i < n; i++) {
            check(states[i], timestamps[i], values[i], profileValues[i]);
            for (int j = 0; j < i; j++) {
                if (states[j] == states[i]) {
                    throw new IllegalArgumentException("key states " + j + " and " + i + " of a batch are the same object; "
                            + "a key's points must be stepped in order, one per batch");
                }
            }
        }
        ModelSpec spec = model.spec();
        int in = spec.inputSize(), per = spec.stateSizePerLayer(), horizon = spec.horizon(), o = model.outputSize();
        for (int i = 0; i < n; i++) {
            KeyState state = states[i];
            beforeStep(state, timestamps[i], values[i], profileValues[i], batchResults[i]);
            System.arraycopy(x, 0, batchX, i * in, in);
            if (base != null) {
                System.arraycopy(base, 0, batchBase, i * horizon, horizon);
            }
            for (int l = 0; l < batchStates.length; l++) {
                System.arraycopy(state.recurrent, l * per, batchStates[l], i * per, per);
            }
        }
        if (n > 0) {
            model.step(n, batchX, 0, in, batchStates, batchOut, 0, batchCache, batchBase, 0);
        }
        for (int i = 0; i < n; i++) {
            KeyState state = states[i];
            for (int l = 0; l < batchStates.length; l++) {
                System.arraycopy(batchStates[l], i * per, state.recurrent, l * per, per);
            }
            System.arraycopy(batchOut, i * o, out, 0, o);
            System.arraycopy(batchX, i * in, x, 0, in); // the key's own inputs and bases, which its forecast reads
            if (base != null) {
                System.arraycopy(batchBase, i * horizon, base, 0, horizon);
            }
            // The normaliser as the key's own step left it: restored exactly from the values it stored.
            normalizer.set(state.normCount, state.normMean, state.normVariance);
            afterNetwork(state);
            afterStep(state, timestamps[i], values[i], batchResults[i]);
        }
        return batchResults;
    }

    /**
     * Whether the kernels' batched product gives each key of a batch of up to {@code maxBatch} exactly the sums it
     * gives that key alone, at this model's shapes: then {@link #observe(int, KeyState[], long[], double[])} is
     * bit-identical to stepping key by key, wherever a key sits in a batch. A probe, not a proof: every batch size
     * up to {@code min(maxBatch, 24)} and {@code maxBatch} itself, on seeded random inputs and states (a
     * difference in summation order shows on such data in all but a vanishing share of sums).
     */
    public boolean batchInvariant(int maxBatch) {
        if (maxBatch <= 1) {
            return true;
        }
        ModelSpec spec = model.spec();
        int in = spec.inputSize(), o = model.outputSize(), horizon = spec.horizon(), per = spec.stateSizePerLayer();
        java.util.SplittableRandom random = new java.util.SplittableRandom(20261205L);
        float[] xs = new float[maxBatch * in];
        float[] bases = new float[maxBatch * horizon];
        float[][] start = model.newStates(maxBatch);
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) random.nextDouble(-2, 2);
        }
        for (int i = 0; i < bases.length; i++) {
            bases[i] = (float) random.nextDouble(-2, 2);
        }
        for (float[] layer : start) {
            for (int i = 0; i < layer.length; i++) {
                layer[i] = (float) random.nextDouble(-1, 1);
            }
        }
        float[] baseOrNull = base == null ? null : bases;
        float[][] alone = model.newStates(1), together = model.newStates(maxBatch);
        float[] outAlone = new float[o], outTogether = new float[maxBatch * o];
        StepCaches one = model.newCache(1), many = model.newCache(maxBatch);
        for (int n = 2; n <= maxBatch; n = n < 24 ? n + 1 : (n == maxBatch ? n + 1 : maxBatch)) {
            for (int l = 0; l < start.length; l++) {
                System.arraycopy(start[l], 0, together[l], 0, n * per);
            }
            model.step(n, xs, 0, in, together, outTogether, 0, many, baseOrNull, 0);
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < start.length; l++) {
                    System.arraycopy(start[l], i * per, alone[l], 0, per);
                }
                model.step(1, xs, i * in, in, alone, outAlone, 0, one, baseOrNull, i * horizon);
                if (!java.util.Arrays.equals(outAlone, 0, o, outTogether, i * o, (i + 1) * o)) {
                    return false;
                }
                for (int l = 0; l < start.length; l++) {
                    if (!java.util.Arrays.equals(alone[l], 0, per, together[l], i * per, (i + 1) * per)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private void check(KeyState state, long timestamp, double value, double profileValue) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value must be finite, got " + value);
        }
        if (!Double.isFinite(profileValue)) {
            throw new IllegalArgumentException("profile value must be finite, got " + profileValue);
        }
        if (state.recurrent.length != model.spec().stateSize()) {
            throw new IllegalArgumentException("state has " + state.recurrent.length + " recurrent floats, model expects "
                    + model.spec().stateSize());
        }
        if (state.lastTimestamp != KeyState.NO_TIMESTAMP && timestamp <= state.lastTimestamp) {
            throw new IllegalArgumentException("point at " + timestamp + " is not after the key's last point at " + state.lastTimestamp);
        }
    }

    /**
     * Everything of {@link #observe} before the point's own network step: the profile, the gap (filled step by step
     * or a reset), the score against the prediction made before the point, calibration, and the point's inputs
     * ({@link #prepare}) in {@code x} and {@code base}.
     */
    private void beforeStep(KeyState state, long timestamp, double value, double profileValue, StepResult r) {
        fitProfile(state);
        state.keepIssued(issuedSlots());
        r.gapsFilled = 0;
        r.stateReset = false;
        if (state.lastTimestamp != KeyState.NO_TIMESTAMP) {
            long gaps = Math.floorDiv(timestamp - state.lastTimestamp + stepMillis / 2, stepMillis) - 1;
            if (gaps > 0) {
                state.lastResidual = Float.NaN; // the next error follows a missing step, not this one
                state.lastCorrection = Float.NaN;
            }
            if (gaps > maxGapSteps) {
                state.resetRecurrent();
                state.forgetInputs();
                state.clearIssued();
                r.stateReset = true;
            } else {
                for (long g = 1; g <= gaps; g++) {
                    advance(state, state.lastTimestamp + g * stepMillis);
                    r.gapsFilled++;
                }
            }
        }
        r.scored = !Double.isNaN(state.expected);
        r.expected = state.expected;
        r.sigma = state.sigma;
        r.score = r.scored ? 1 - Gaussian.twoSidedTail((value - state.expected) / state.sigma) : 0;
        r.weighed = Double.NaN;
        if (r.scored) {
            // Judged once, as published: the key's normaliser, weight and carry of the forecast's time.
            normalizer.set(state.normCount, state.normMean, state.normVariance);
            r.weighed = weighedOneStep(state);
            double published = r.weighed + carry(state) * carried(state);
            calibrate(state, value, published);
            learnCorrection(state, value, published);
        }
        calibrateFar(state, value);
        prepare(state, timestamp, value, profileValue);
    }

    /**
     * Everything of {@link #observe} after the point's network step: the key's last point, the K-step forecast, and
     * its h = H interval kept for the far end of the calibration.
     */
    private void afterStep(KeyState state, long timestamp, double value, StepResult r) {
        state.lastTimestamp = timestamp;
        state.lastValue = value;
        rememberResidual(state, r.scored ? (value - r.weighed) / normalizer.scale() : Double.NaN);
        writeForecast(r, timestamp, state);
        state.lastCorrection = half((float) (out[0] - anchor(0)));
        int last = r.horizon() - 1;
        double halfInScales = (r.upper[last] - r.mean[last]) / normalizer.scale();
        state.issue(state.steps, (float) r.mean[last], Float.floatToFloat16((float) halfInScales));
    }

    /**
     * The observed value {@code season} steps before a point at {@code timestamp}, read from the key's ring before
     * that point is observed (for the seasonal reference of {@code TailScore}); NaN when there is none: no earlier
     * point, the point is less than half a step after the last one (not a new step), it comes after a gap that
     * {@link #observe} will not fill (a reset) or of a season or more, the ring does not reach back that far, or that
     * step and both its neighbours were missing (a missing step's known neighbours, a step earlier and later, stand in
     * for it: their mean, or the one known). The point's step is counted with the rounding {@link #observe} fills gaps by: the gap's
     * missing steps take ring entries, so a point after a short gap, or with timestamp jitter below half a step,
     * still finds the value one season before it.
     */
    public double valueOneSeasonBefore(KeyState state, long timestamp, int season) {
        if (season < 1 || state.lastTimestamp == KeyState.NO_TIMESTAMP) {
            return Double.NaN;
        }
        long gaps = Math.floorDiv(timestamp - state.lastTimestamp + stepMillis / 2, stepMillis) - 1;
        if (gaps < 0 || gaps > maxGapSteps || gaps >= season) {
            return Double.NaN;
        }
        long j = state.remembered() - season + gaps; // the ring entry of the step one season before the point
        if (j < 0) {
            return Double.NaN;
        }
        float v = state.recall((int) j);
        if (!Float.isNaN(v)) {
            return v;
        }
        // That step was missing: the mean of its known neighbours (a step earlier or later) stands in, so that
        // scattered missing rows do not keep breaking the seasonal reference's runs.
        float before = j > 0 ? state.recall((int) j - 1) : Float.NaN;
        float after = j + 1 < state.remembered() ? state.recall((int) j + 1) : Float.NaN;
        if (Float.isNaN(before)) {
            return after;
        }
        return Float.isNaN(after) ? before : ((double) before + after) / 2;
    }

    /**
     * The key's seasonal profile's forecast of a point at {@code timestamp}, read before that point is observed (the
     * anomaly score's seasonal reference where the ring does not reach a season back); NaN for a model without a
     * profile, a state whose profile is not this model's (the next observe replaces it), or a bin not yet visited.
     */
    public double profileForecast(KeyState state, long timestamp) {
        return state.profile != null && profileFits(state) ? state.profile.forecast(timestamp, stepMillis) : Double.NaN;
    }

    /**
     * Rebuilds {@code state}'s recurrent state under this stepper's model (after a weight swap) by replaying the
     * remembered inputs from a zero state with the key's current normaliser held fixed, and stamps it with
     * {@code modelVersion}. The last timestamp, normaliser, ring and profile are kept: the profile depends on the
     * observed values only, and the replayed steps read the current one (which has already seen them; a re-warm
     * only has to bring the recurrent state near where the model would have it). A state without the profile this
     * model reads (decoded from an older state, or made under a model without one) gets one fed from the ring; a
     * model without a profile drops the state's. The interval scales are kept, the h = H intervals pending judgement
     * forgotten (the replay recounts the steps they are filed by).
     */
    public void rewarm(KeyState state, long modelVersion) {
        replay(state, null);
        state.modelVersion = modelVersion;
    }

    /**
     * The re-warm's replay of the ring from a zero state (see {@link #rewarm}); with {@code oneStep} non-null, the
     * one-step mean, lower and upper bound predicted for each remembered input from those before it go into its
     * three rows ({@link #replayOneStep}).
     */
    private void replay(KeyState state, double[][] oneStep) {
        fitProfile(state);
        state.resetRecurrent();
        state.keepIssued(issuedSlots());
        state.clearIssued(); // the replay recounts the steps: pending intervals would be judged against other steps
        state.forgetResiduals(); // the old model's errors say nothing of the new one's
        state.forgetCorrections(); // nor its corrections
        int n = state.remembered();
        normalizer.set(state.normCount, state.normMean, state.normVariance);
        double widen = Math.exp(state.intervalLogScale);
        for (int i = 0; i < n; i++) {
            float v = state.recall(i);
            long ts = state.lastTimestamp - (long) (n - 1 - i) * stepMillis;
            double z = Float.isNaN(v) ? missingInput(state) : normalizer.normalize(v);
            Features.fill(x, 0, z, Float.isNaN(v), ts);
            if (state.profile != null) {
                fillProfile(state.profile, ts, z);
            } else {
                fillLag(state, i, z);
                fillBase(state, i);
            }
            run(state);
            if (oneStep != null && i + 1 < n) {
                double half = intervalZ * state.sigma * widen; // as writeForecast widens the model's sigma
                oneStep[0][i + 1] = state.expected;
                oneStep[1][i + 1] = state.expected - half;
                oneStep[2][i + 1] = state.expected + half;
            }
        }
    }

    /**
     * The one-step predictions a re-warm of {@code state} under this model makes on its way through the remembered
     * inputs (as {@link #rewarmedCopy}, which it starts from): entry i is the mean and interval predicted for
     * remembered input i from the inputs before it, replayed from a zero recurrent state with the key's current
     * normaliser and interval scale held fixed. Entry 0 is NaN (nothing comes before it). For the dashboard's band
     * behind past points: an approximation of the predictions made at the time, which started from all of the key's
     * past under the normaliser and interval scale of their own time; the first few entries carry the zero state's
     * warm-up. {@code state} is not changed.
     *
     * @return three arrays {mean, lower, upper} with one entry per input the copy remembers (the last
     *         {@code min(remembered, ring capacity)} of {@code state}), oldest first
     */
    public double[][] replayOneStep(KeyState state, long modelVersion) {
        KeyState s = copyForRewarm(state, modelVersion);
        int n = s.remembered();
        double[][] oneStep = new double[3][n];
        for (double[] row : oneStep) {
            Arrays.fill(row, Double.NaN);
        }
        replay(s, oneStep);
        return oneStep;
    }

    /**
     * Whether {@code state} must be re-warmed before this stepper's model (as version {@code modelVersion}) can
     * use it: it was made by other weights, another architecture or with another ring capacity, or it lacks the
     * profile this model reads.
     */
    public boolean needsRewarm(KeyState state, long modelVersion) {
        return state.modelVersion != modelVersion || state.recurrent.length != model.spec().stateSize()
                || state.ringCapacity() != ringCapacity || !profileFits(state);
    }

    /** Whether {@code state}'s profile is the one this model reads (null for a model without one). */
    private boolean profileFits(KeyState state) {
        ModelSpec spec = model.spec();
        return spec.hasProfile() ? state.profile != null && state.profile.fits(spec.profileBins(), spec.profileSeasonMillis())
                : state.profile == null;
    }

    /**
     * Gives {@code state} the profile this model reads: a missing or misshapen one is replaced by a new profile fed
     * the ring's observed inputs (the most the state knows of the past; window means, as the ring keeps no trimmed
     * means), a model without one drops it.
     */
    private void fitProfile(KeyState state) {
        if (profileFits(state)) {
            return;
        }
        state.profile = model.spec().newProfile();
        if (state.profile != null) {
            int n = state.remembered();
            for (int i = 0; i < n; i++) {
                state.profile.update(state.lastTimestamp - (long) (n - 1 - i) * stepMillis, state.recall(i));
            }
        }
    }

    /**
     * A new state of this stepper's shape re-warmed from {@code state} under this model (see {@link #rewarm}):
     * the normaliser, last timestamp, interval scales (not the intervals pending judgement), alert run and reason,
     * novelty and alert kinds states, profile and the last {@code ringCapacity} remembered inputs are carried over, the
     * recurrent state is rebuilt. {@code state} is not changed. Used where the shape changes (the model
     * service) and to read what this model would make of a key without storing it (the REST API).
     */
    public KeyState rewarmedCopy(KeyState state, long modelVersion) {
        KeyState s = copyForRewarm(state, modelVersion);
        rewarm(s, modelVersion);
        return s;
    }

    /** What {@link #rewarmedCopy} carries over into a new state of this stepper's shape, before the re-warm itself. */
    private KeyState copyForRewarm(KeyState state, long modelVersion) {
        KeyState s = newState(modelVersion);
        s.lastTimestamp = state.lastTimestamp;
        s.normCount = state.normCount;
        s.normMean = state.normMean;
        s.normVariance = state.normVariance;
        s.anomalyRun = state.anomalyRun;
        s.alertOpen = state.alertOpen;
        s.alertReason = state.alertReason;
        s.kinds = state.kinds;
        s.lastValue = state.lastValue;
        s.intervalLogScale = state.intervalLogScale;
        s.farLogScale = state.farLogScale;
        s.novelty = state.novelty;
        s.profile = state.profile == null ? null : state.profile.copy();
        for (int i = Math.max(0, state.remembered() - ringCapacity); i < state.remembered(); i++) {
            s.remember(state.recall(i));
        }
        return s;
    }

    /**
     * The K-step forecast {@link #observe} returned at {@code state}'s last point, recomputed without changing
     * the state from its {@code lastValue}: bit-identical to what {@code observe} returned. A state without one
     * (decoded from version 1 of the codec) falls back on the ring's float, which can change the last digits of
     * the means and bounds of a value that is not a float. See {@link #forecast(KeyState, double)}.
     */
    public StepResult forecast(KeyState state) {
        if (!Double.isNaN(state.lastValue)) {
            return forecast(state, state.lastValue);
        }
        int n = state.remembered();
        if (n == 0) {
            throw new IllegalArgumentException("state remembers no input to forecast from");
        }
        return forecast(state, state.recall(n - 1));
    }

    /**
     * The K-step forecast {@link #observe} returned at {@code state}'s last point, recomputed without changing
     * the state: the stored recurrent state is the one the network produced at that point, so only the head is
     * evaluated again, over the normaliser, level and seasonal bases of that point. {@code lastValue} is the
     * value observed at {@code state.lastTimestamp}; with the value {@code observe} was given the result is
     * bit-identical. The state must fit this model ({@link #needsRewarm} false, else the stored recurrent state
     * means nothing to it). Returns the reused result with the forecast arrays set; it describes no scored
     * point ({@code scored} false, {@code expected}/{@code sigma} NaN, no gaps).
     */
    public StepResult forecast(KeyState state, double lastValue) {
        if (state.recurrent.length != model.spec().stateSize() || state.ringCapacity() != ringCapacity || !profileFits(state)) {
            throw new IllegalArgumentException("state of " + state.recurrent.length + " recurrent floats, ring "
                    + state.ringCapacity() + " and profile " + state.profile + " does not fit a model of "
                    + model.spec().stateSize() + ", ring " + ringCapacity + " and profile bins " + model.spec().profileBins());
        }
        if (state.lastTimestamp == KeyState.NO_TIMESTAMP || state.remembered() == 0) {
            throw new IllegalArgumentException("state has no point to forecast from");
        }
        if (!Double.isFinite(lastValue)) {
            throw new IllegalArgumentException("last value must be finite, got " + lastValue);
        }
        normalizer.set(state.normCount, state.normMean, state.normVariance);
        int last = state.remembered() - 1;
        double z = normalizer.normalize(lastValue);
        Features.fill(x, 0, z, false, state.lastTimestamp);
        if (state.profile != null) {
            fillProfile(state.profile, state.lastTimestamp, z);
        } else {
            fillBase(state, last);
        }
        int top = (model.spec().layers() - 1) * model.spec().stateSizePerLayer();
        model.head(state.recurrent, top, x, 0, out, 0, base, 0);
        result.gapsFilled = 0;
        result.stateReset = false;
        result.scored = false;
        result.expected = Double.NaN;
        result.sigma = Double.NaN;
        result.score = 0;
        writeForecast(result, state.lastTimestamp, state);
        return result;
    }

    /** One missing step: normaliser, features, ring, network, prediction. */
    private void advance(KeyState state, long timestamp) {
        prepare(state, timestamp, Double.NaN, Double.NaN);
        run(state);
        state.issue(state.steps, Float.NaN, (short) 0); // no forecast is issued at a missing step
    }

    /**
     * A step's inputs (NaN value: a missing step): normaliser, features into {@code x} and {@code base}, ring, and the
     * profile, which learns {@code profileValue}.
     */
    private void prepare(KeyState state, long timestamp, double value, double profileValue) {
        boolean missing = Double.isNaN(value);
        normalizer.set(state.normCount, state.normMean, state.normVariance);
        double z;
        if (missing) {
            z = missingInput(state);
        } else {
            normalizer.update(value);
            state.normCount = normalizer.count();
            state.normMean = normalizer.mean();
            state.normVariance = normalizer.variance();
            z = normalizer.normalize(value);
        }
        Features.fill(x, 0, z, missing, timestamp);
        state.remember((float) value);
        if (state.profile != null) {
            state.profile.update(timestamp, profileValue);
            fillProfile(state.profile, timestamp, z);
        } else {
            fillLag(state, state.remembered() - 1, z);
            fillBase(state, state.remembered() - 1);
        }
    }

    /**
     * The profile model's seasonal input and bases at a step at {@code timestamp} whose input is {@code z}: the
     * profile's forecasts of the next K steps in the normaliser's current frame, the input being the first; the
     * step's own input where the profile does not know a bin. As {@code PreparedSeries} and {@code TbpttTrainer}
     * in training.
     */
    private void fillProfile(SeasonalProfile profile, long timestamp, double z) {
        Features.fillProfile(profile, timestamp, stepMillis, normalizer.mean(), normalizer.scale(), base, 0, base.length);
        Features.fillLag(x, 0, Float.isNaN(base[0]) ? z : base[0]);
        for (int k = 0; k < base.length; k++) {
            if (Float.isNaN(base[k])) {
                base[k] = x[0];
            }
        }
    }

    /**
     * The seasonal-lag input of the step whose input is ring entry {@code current}: the ring entry one season
     * before the step being forecast ({@code current + 1 - lag}), normalised in the current frame; {@code z}
     * (persistence) when the ring does not reach back that far or that step was missing.
     */
    private void fillLag(KeyState state, int current, double z) {
        int lag = model.spec().seasonLag();
        if (lag == 0) {
            return;
        }
        int j = current + 1 - lag;
        float v = j >= 0 ? state.recall(j) : Float.NaN;
        Features.fillLag(x, 0, Float.isNaN(v) ? z : normalizer.normalize(v));
    }

    /**
     * The seasonal-naive bases of the means (see {@link Features#seasonalOffset}) for the step whose input is ring
     * entry {@code current}, normalised and clipped like the inputs; the step's own input where unknown. As
     * {@code PreparedSeries.seasonalBase} in training.
     */
    private void fillBase(KeyState state, int current) {
        if (base == null) {
            return;
        }
        int season = model.spec().seasonLag();
        for (int k = 0; k < base.length; k++) {
            int j = current + Features.seasonalOffset(k + 1, season);
            float v = j >= 0 ? state.recall(j) : Float.NaN;
            base[k] = Float.isNaN(v) ? x[0]
                    : (float) Math.max(-Features.CLIP, Math.min(Features.CLIP, normalizer.normalize(v)));
        }
    }

    /** The input for a missing step: the model's own prediction of it, normalised. */
    private double missingInput(KeyState state) {
        return Double.isNaN(state.expected) ? 0 : normalizer.normalize(state.expected);
    }

    private void run(KeyState state) {
        int per = model.spec().stateSizePerLayer();
        for (int l = 0; l < states.length; l++) {
            System.arraycopy(state.recurrent, l * per, states[l], 0, per);
        }
        model.step(1, x, 0, x.length, states, out, 0, cache, base, 0);
        for (int l = 0; l < states.length; l++) {
            System.arraycopy(states[l], 0, state.recurrent, l * per, per);
        }
        afterNetwork(state);
    }

    /** The key's step count and one-step prediction from the head's outputs in {@code out}. */
    private void afterNetwork(KeyState state) {
        state.steps++;
        state.expected = normalizer.denormalize(out[0]);
        state.sigma = sigmaAt(0);
    }

    private double sigmaAt(int k) {
        float s = out[model.spec().horizon() + k];
        return normalizer.scale() * Math.exp(Gaussian.logScale(s));
    }

    /**
     * Moves the key's interval scale by whether {@code value} fell outside the one-step interval predicted for it
     * (see {@link #CALIBRATION_RATE}), {@code published} being its mean. The anomaly score keeps the model's own sigma:
     * its thresholds were chosen on it.
     */
    private void calibrate(KeyState state, double value, double published) {
        double c = carry(state);
        double half = intervalZ * state.sigma * Math.exp(state.intervalLogScale) * Math.sqrt(1 - c * c);
        double miss = Math.abs(value - published) > half ? 1 : 0;
        double rate = state.normCount < CALIBRATION_WARM_POINTS ? CALIBRATION_WARM_RATE
                : state.normCount < CALIBRATION_YOUNG_POINTS ? CALIBRATION_YOUNG_RATE : CALIBRATION_RATE;
        state.intervalLogScale = moved(state.intervalLogScale, rate, miss);
    }

    /**
     * The one-step forecast published for the point after the key's last before its carried error (what the carry's
     * errors are taken against): the model's own prediction with the network's correction weighed
     * ({@link #CORRECTION_RATE}). The normaliser must be the key's.
     */
    private double weighedOneStep(KeyState state) {
        double unkept = Float.isNaN(state.lastCorrection) ? 0 : (1 - state.correctionWeight) * state.lastCorrection;
        return state.expected - unkept * normalizer.scale();
    }

    /**
     * Moves the key's weight of the network's correction by one normalised LMS step on the error of the published
     * one-step forecast {@code published} (see {@link #CORRECTION_RATE}); nothing when no correction is pending. The
     * normaliser must be the key's, as the forecast left it.
     */
    private void learnCorrection(KeyState state, double value, double published) {
        float r = state.lastCorrection;
        if (Float.isNaN(r)) {
            return;
        }
        double rms = state.correctionRms, power = rms == 0 ? r * r : rms * rms + CORRECTION_RATE * (r * r - rms * rms);
        state.correctionRms = half((float) Math.sqrt(power));
        if (state.correctionRms > 0) {
            double e = (value - published) / normalizer.scale();
            double w = state.correctionWeight + CORRECTION_RATE * e * r / ((double) state.correctionRms * state.correctionRms);
            state.correctionWeight = (float) Math.max(0, Math.min(1, w));
        }
    }

    /** A log-scale moved by one judged interval (1 a miss, 0 a hit) at {@code rate}, within the bound. */
    private float moved(float logScale, double rate, double miss) {
        double next = logScale + rate * (miss - missRate);
        return (float) Math.max(-MAX_LOG_SCALE, Math.min(MAX_LOG_SCALE, next));
    }

    /**
     * Moves the far end of the key's interval scale by whether {@code value} fell outside the h = H interval issued
     * for its step (see {@link #FAR_CALIBRATION_RATE}); nothing when none was issued (the key's first H steps, after
     * a gap-filled step, a reset or a re-warm). Before the point's {@link #prepare}: the normaliser as the issue left
     * it, give or take the points between.
     */
    private void calibrateFar(KeyState state, double value) {
        long step = state.steps + 1;
        float mean = state.issuedMean(step);
        if (Float.isNaN(mean)) {
            return;
        }
        normalizer.set(state.normCount, state.normMean, state.normVariance);
        double miss = Math.abs(value - mean) > state.issuedHalf(step) * normalizer.scale() ? 1 : 0;
        double rate = state.normCount < FAR_CALIBRATION_SKIP_POINTS ? 0 : FAR_CALIBRATION_RATE;
        state.farLogScale = moved(state.farLogScale, rate, miss);
    }

    /**
     * Folds the one-step error {@code e} (units of the normaliser's scale after the point; NaN: none) into the key's
     * memory of them: clipped at {@link #RESIDUAL_CLIP} of their rms, the running mean square and the mean product
     * with the error before it moved at {@link #RESIDUAL_RATE}, each field rounded to a half float as stored.
     */
    private static void rememberResidual(KeyState state, double e) {
        if (Double.isNaN(e)) {
            state.lastResidual = Float.NaN;
            return;
        }
        double rms = state.residualRms, meanSquare = rms * rms;
        if (rms > 0) {
            e = Math.max(-RESIDUAL_CLIP * rms, Math.min(RESIDUAL_CLIP * rms, e));
        }
        double product = state.residualCorrelation * meanSquare;
        meanSquare += RESIDUAL_RATE * (e * e - meanSquare);
        if (!Float.isNaN(state.lastResidual)) {
            product += RESIDUAL_RATE * (e * state.lastResidual - product);
        }
        state.residualRms = half((float) Math.sqrt(meanSquare));
        state.residualCorrelation = meanSquare > 0 ? half((float) (product / meanSquare)) : 0;
        state.lastResidual = half((float) e);
    }

    /** {@code v} rounded to the nearest half float (the codec's precision); beyond its range, its largest finite value. */
    private static float half(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(Math.max(-65504f, Math.min(65504f, v))));
    }

    /**
     * The share of the last one-step error carried into the next step: the errors' correlation within [0, max]; 0 when
     * the last step left no error.
     */
    private static double carry(KeyState state) {
        return Float.isNaN(state.lastResidual) ? 0 : Math.max(0, Math.min(MAX_RESIDUAL_CARRY, state.residualCorrelation));
    }

    /** The key's last one-step error in raw units, in the normaliser's current frame; 0 when there is none. */
    private double carried(KeyState state) {
        return Float.isNaN(state.lastResidual) ? 0 : state.lastResidual * normalizer.scale();
    }

    /** The base the head's step-k mean corrects (see {@link Forecaster#head}): the profile's or seasonal forecast, else the input. */
    private double anchor(int k) {
        return base != null ? base[k] : x[0];
    }

    /**
     * The K-step forecast from the head's outputs, the network's correction of each step's base kept by the key's
     * weight ({@link #CORRECTION_RATE}) and {@code s_k = c * p^(k-1)} of the key's last one-step error added to
     * step k (see {@link #RESIDUAL_RATE}), and step k's width narrowed by {@code sqrt(1 - s_k^2)} and widened by the
     * log-scale linear in k from near to far.
     */
    private void writeForecast(StepResult r, long timestamp, KeyState state) {
        int horizon = r.horizon();
        double widen = Math.exp(state.intervalLogScale);
        double perStep = horizon > 1 ? Math.exp((state.farLogScale - state.intervalLogScale) / (double) (horizon - 1)) : 1;
        double share = carry(state), carried = carried(state), weight = state.correctionWeight;
        for (int k = 0; k < horizon; k++) {
            double anchor = anchor(k);
            double m = normalizer.denormalize(weight == 1 ? out[k] : anchor + weight * (out[k] - anchor)) + share * carried;
            double sd = sigmaAt(k) * widen * shape.width(k) * Math.sqrt(1 - share * share);
            r.timestamps[k] = timestamp + (k + 1) * stepMillis;
            r.mean[k] = m;
            r.lower[k] = m - intervalZ * sd;
            r.upper[k] = m + intervalZ * sd;
            widen *= perStep;
            share *= residualPersistence;
        }
    }
}
