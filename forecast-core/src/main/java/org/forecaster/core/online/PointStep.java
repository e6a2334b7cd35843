package org.forecaster.core.online;

import java.time.Instant;
import java.util.List;
import org.forecaster.core.anomaly.AlertKinds;
import org.forecaster.core.anomaly.AlertReason;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.AnomalyScorer;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.anomaly.TailScore;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.IntervalShape;
import org.forecaster.core.stats.Gaussian;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.Point;

/**
 * The per-point step of one key, the one code path of the model service's processor, its REST views and
 * {@code forecast detect} (issue 20): given a key's state and a point, it re-warms a state made by other weights,
 * steps the model ({@link Stepper#observe}), scores the point ({@link ScoredStep}), applies the cold and alert rules
 * and the alert kinds' detectors ({@link AlertKinds}, issue 15), and returns the forecast record and any alert
 * transition with its reason. What is not per point stays with the caller: decoding,
 * duplicates and lateness, dead letters, storing, forwarding and metrics.
 *
 * <p>One instance per thread and model version (it owns the {@link Stepper}'s scratch buffers and reused result);
 * build a new one when the model changes. The key's state is changed in place, or replaced by a re-shaped copy
 * ({@link Outcome#state}).
 */
public final class PointStep {
    /**
     * What the step does besides running the model.
     *
     * @param intervalLevel central probability of the forecast intervals, e.g. 0.95
     * @param maxGapSteps   gaps longer than this many steps reset a key's recurrent state instead of being filled
     * @param ringCapacity  inputs remembered per key (re-warm after a weight swap, seasonal reference); a model with a
     *                      longer season lag gets a ring of its lag, since its input reads the value one season back
     * @param coldSteps     a key's forecasts are flagged cold, and it never alerts, until its state has taken this many steps
     * @param seasonMillis  the season of the score's seasonal reference; used when the step divides it and it fits the ring
     * @param novelty       each key's {@link NoveltyScore} settings, kept in its state; null scores by the one-step
     *                      Gaussian tail probability instead
     * @param alertRule     threshold and OPEN/RESOLVED runs of the alerts
     * @param kinds         each key's {@link AlertKinds} settings, kept in its state: its alerts then say which kind of
     *                      change opened them; null for alerts from the anomaly score alone (reason {@code score})
     */
    public record Rules(double intervalLevel, int maxGapSteps, int ringCapacity, int coldSteps, long seasonMillis,
                        NoveltyScore.Spec novelty, AlertRule alertRule, AlertKinds.Spec kinds) {
        /** Rules without alert kinds: every alert comes from the anomaly score. */
        public Rules(double intervalLevel, int maxGapSteps, int ringCapacity, int coldSteps, long seasonMillis,
                     NoveltyScore.Spec novelty, AlertRule alertRule) {
            this(intervalLevel, maxGapSteps, ringCapacity, coldSteps, seasonMillis, novelty, alertRule, null);
        }

        public Rules {
            if (!(intervalLevel > 0 && intervalLevel < 1)) {
                throw new IllegalArgumentException("interval level must be in (0, 1), got " + intervalLevel);
            }
            if (maxGapSteps < 0 || ringCapacity < 1 || coldSteps < 0 || seasonMillis < 0) {
                throw new IllegalArgumentException("need max gap >= 0, ring >= 1, cold steps >= 0 and season >= 0, got "
                        + maxGapSteps + ", " + ringCapacity + ", " + coldSteps + ", " + seasonMillis + " ms");
            }
            if (alertRule == null) {
                throw new IllegalArgumentException("an alert rule is required");
            }
        }
    }

    /**
     * What one point did.
     *
     * @param state    the key's state after the point: the one given, or a re-shaped copy after a re-warm under
     *                 another architecture or ring size; store this one
     * @param result   the stepper's reused result (gaps filled, reset, prediction, score); valid until the next call
     * @param rewarmed whether the state was rebuilt under this model first
     * @param cold     whether the key is still cold (its forecast is flagged and it does not alert)
     * @param forecast the forecast made after the point, as on {@code forecasts}
     * @param alert    the alert transition the point caused, or null
     */
    public record Outcome(KeyState state, StepResult result, boolean rewarmed, boolean cold, ForecastRecord forecast,
                          AnomalyRecord alert) {}

    private final Stepper stepper;
    private final long stepMillis;
    private final long modelVersion;
    private final Rules rules;
    private final int ringCapacity;
    private final int seasonSteps;
    private final double intervalZ;
    /** Scratch of the batched observe, from {@link #reserveBatch}; none until then. */
    private int batchCapacity;
    private int exactWidth = 1;
    private double[] batchPrevious, batchSeasonal, batchSeasonalForecast, batchJudged;
    private long[] batchMillis;
    private boolean[] batchRewarmed;
    private Outcome[] batchOutcomes;
    private ForecastRecord.Step[] stepScratch = new ForecastRecord.Step[0];

    /** A step for the model of version {@code modelVersion} on series of step {@code stepMillis}. */
    public PointStep(Forecaster model, NormalizerSpec normalizer, long stepMillis, long modelVersion, Rules rules) {
        this(model, normalizer, stepMillis, modelVersion, rules, IntervalShape.flat(model.spec().horizon()));
    }

    /** A step whose forecast intervals also take the model's {@link IntervalShape} (from its header). */
    public PointStep(Forecaster model, NormalizerSpec normalizer, long stepMillis, long modelVersion, Rules rules,
                     IntervalShape shape) {
        this.ringCapacity = Math.max(rules.ringCapacity(), model.spec().seasonLag());
        this.stepper = new Stepper(model, normalizer, stepMillis, rules.intervalLevel(), rules.maxGapSteps(), ringCapacity,
                shape);
        this.stepMillis = stepMillis;
        this.modelVersion = modelVersion;
        this.rules = rules;
        this.seasonSteps = ScoredStep.seasonSteps(rules.seasonMillis(), stepMillis, ringCapacity);
        this.intervalZ = Gaussian.quantile(0.5 + rules.intervalLevel() / 2);
    }

    public long modelVersion() {
        return modelVersion;
    }

    public Rules rules() {
        return rules;
    }

    /** Inputs each key remembers under this model: the rules' ring, or the model's season lag if longer. */
    public int ringCapacity() {
        return ringCapacity;
    }

    /** The season in steps of the score's seasonal reference; 0 for none. */
    public int seasonSteps() {
        return seasonSteps;
    }

    /** A new key's state under this model, with a fresh novelty state when scoring by novelty and fresh alert kinds. */
    public KeyState newState() {
        KeyState s = stepper.newState(modelVersion);
        if (rules.novelty() != null) {
            s.novelty = new NoveltyScore(rules.novelty());
        }
        if (rules.kinds() != null) {
            s.kinds = new AlertKinds(rules.kinds());
        }
        return s;
    }

    /** Time without a point after which a key is silent ({@link AlertKinds.Spec#silentSteps} steps); 0: never. */
    public long silentMillis() {
        return rules.kinds() == null ? 0 : rules.kinds().silentSteps() * stepMillis;
    }

    /**
     * Opens a {@link AlertReason#SILENT silent} alert for a key that has had no point for {@link #silentMillis}:
     * the caller (the model service's wall-clock scan) decides that. Returns the OPEN record, at {@code ts} (when
     * the key became silent), with the key's last value, the prediction it made for its next step and score 1; or
     * null, changing nothing, when the key already has an open alert (one per key), is cold, is still in the alert
     * rule's probation, or silence is off. The key's next point resolves it ({@link #observe}).
     */
    public AnomalyRecord silence(String series, KeyState state, Instant ts) {
        if (silentMillis() == 0 || state.alertOpen || state.steps < rules.coldSteps()
                || state.normCount < rules.alertRule().probationPoints() || state.lastTimestamp == KeyState.NO_TIMESTAMP) {
            return null;
        }
        state.alertOpen = true;
        state.alertReason = AlertReason.SILENT;
        state.anomalyRun = 0;
        return lastPointRecord(series, state, ts, 1.0, AnomalyRecord.State.OPEN);
    }

    /**
     * Resolves the open alert of a key about to be forgotten (the model service deletes keys idle past their TTL):
     * no point of it will resolve the alert later, and one left open would fire on at Alertmanager for ever (a host
     * taken away stays "silent"). Returns the RESOLVED record at {@code ts}, with the OPEN's reason, the key's last value
     * and the prediction it made for its next step; null, changing nothing, when no alert is open.
     */
    public AnomalyRecord forget(String series, KeyState state, Instant ts) {
        if (!state.alertOpen) {
            return null;
        }
        state.alertOpen = false;
        state.anomalyRun = 0;
        return lastPointRecord(series, state, ts, 0.0, AnomalyRecord.State.RESOLVED);
    }

    /** An alert record at {@code ts} without a point of its own: the key's last value and its pending prediction. */
    private AnomalyRecord lastPointRecord(String series, KeyState state, Instant ts, double score, AnomalyRecord.State transition) {
        double last = !Double.isNaN(state.lastValue) ? state.lastValue
                : state.remembered() > 0 ? state.recall(state.remembered() - 1) : Double.NaN;
        AlertReason reason = state.alertReason != null ? state.alertReason : AlertReason.SCORE;
        return new AnomalyRecord(series, ts, last, state.expected, state.expected - intervalZ * state.sigma,
                state.expected + intervalZ * state.sigma, score, transition, modelVersion, reason.wireName());
    }

    /**
     * Observes the point {@code (ts, value)} of key {@code series}, scored by the key's own novelty state (the
     * one-step tail probability when it has none). The point must be after the key's last one and finite: the
     * caller has already sorted out duplicates, late and malformed points.
     */
    public Outcome observe(String series, KeyState state, Instant ts, double value) {
        return observe(series, state, ts, value, 1, value, value);
    }

    /**
     * As {@link #observe(String, KeyState, Instant, double)} for a point that is a window of {@code count} raw events
     * between {@code min} and {@code max}, {@code value} their mean ({@link org.forecaster.core.wire.Point}'s fields):
     * the model steps the mean; the key's seasonal profile learns, and the anomaly score and the alert kinds judge,
     * the window's {@link Point#trimmedMean trimmed mean}, and the kinds its outliers by the events.
     */
    public Outcome observe(String series, KeyState state, Instant ts, double value, long count, double min, double max) {
        return observe(series, state, ts, value, count, min, max, state.novelty);
    }

    /**
     * As {@link #observe(String, KeyState, Instant, double)} with an explicit scorer whose state is the key's
     * ({@code forecast detect} keeps its scorer beside the state); null scores by the one-step tail probability.
     */
    public Outcome observe(String series, KeyState state, Instant ts, double value, AnomalyScorer scorer) {
        return observe(series, state, ts, value, 1, value, value, scorer);
    }

    private Outcome observe(String series, KeyState state, Instant ts, double value, long count, double min, double max,
                            AnomalyScorer scorer) {
        boolean rewarmed = stepper.needsRewarm(state, modelVersion);
        if (rewarmed) {
            state = rewarm(state);
        }
        if (rules.kinds() != null && state.kinds == null) {
            state.kinds = new AlertKinds(rules.kinds());
        }
        double previous = state.lastValue;
        double judged = Point.trimmedMean(count, value, min, max);
        double beyondRange = state.novelty != null ? state.novelty.widthsBeyondRange(judged) : Double.NaN;
        long t = ts.toEpochMilli();
        StepResult r = scorer != null ? ScoredStep.observe(stepper, state, scorer, seasonSteps, t, value, judged)
                : stepper.observe(state, t, value, judged);
        return outcome(series, state, ts, value, count, min, max, judged, beyondRange, previous, r, rewarmed, scorer != null);
    }

    /**
     * Batches of up to {@code maxPoints} keys for {@link #observe(int, String[], KeyState[], Instant[], double[])}:
     * sets aside their scratch (once) and returns how many keys one batch may step together without changing a
     * bit of any result against stepping them one by one: {@code maxPoints} when this machine's kernels give a key
     * the same sums whatever the batch around it ({@link Stepper#batchInvariant}), else 1 (the batched path then
     * steps key by key, still exact). Probed once per instance.
     */
    public int reserveBatch(int maxPoints) {
        stepper.reserveBatch(maxPoints);
        if (maxPoints > batchCapacity) {
            batchPrevious = new double[maxPoints];
            batchSeasonal = new double[maxPoints];
            batchJudged = new double[maxPoints];
            batchSeasonalForecast = new double[maxPoints];
            batchMillis = new long[maxPoints];
            batchRewarmed = new boolean[maxPoints];
            batchOutcomes = new Outcome[maxPoints];
            batchCapacity = maxPoints;
            exactWidth = stepper.batchInvariant(maxPoints) ? maxPoints : 1;
        }
        return Math.min(exactWidth, maxPoints);
    }

    /**
     * The points of {@code n} distinct keys stepped together: {@code series[i]}'s state {@code states[i]} observes
     * {@code (ts[i], values[i])}, scored by the key's own novelty state, as {@link #observe(String, KeyState,
     * Instant, double)} does one by one (same re-warm, score, cold and alert rules, same records), with the
     * network step of the points run as one batch ({@link Stepper#observe(int, KeyState[], long[], double[])}).
     * Bit-identical to one by one when at most {@link #reserveBatch}'s width of keys go in one call. A key whose
     * state is re-warmed into a re-shaped copy gets the copy in {@code states[i]} (store that one). Every point
     * is checked before any state changes; on an exception the caller must discard the batch's decoded states
     * (some may be re-warmed) and may retry the points one by one. Returns reused outcomes, {@code [i]} for
     * key {@code i}, valid until the next call.
     */
    public Outcome[] observe(int n, String[] series, KeyState[] states, Instant[] ts, double[] values) {
        return observe(n, series, states, ts, values, null, null, null);
    }

    /**
     * As {@link #observe(int, String[], KeyState[], Instant[], double[])} with each point's window of {@code counts}
     * events between {@code mins} and {@code maxs}
     * (as {@link #observe(String, KeyState, Instant, double, long, double, double)} takes one; null: single values).
     */
    public Outcome[] observe(int n, String[] series, KeyState[] states, Instant[] ts, double[] values, long[] counts,
                             double[] mins, double[] maxs) {
        if (n > batchCapacity) {
            throw new IllegalArgumentException("batch of " + n + " points, capacity " + batchCapacity + " (reserveBatch)");
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("value of " + series[i] + " must be finite, got " + values[i]);
            }
            long t = ts[i].toEpochMilli();
            if (states[i].lastTimestamp != KeyState.NO_TIMESTAMP && t <= states[i].lastTimestamp) {
                throw new IllegalArgumentException("point of " + series[i] + " at " + t + " is not after its last point at "
                        + states[i].lastTimestamp);
            }
            batchMillis[i] = t;
        }
        for (int i = 0; i < n; i++) {
            KeyState state = states[i];
            batchRewarmed[i] = stepper.needsRewarm(state, modelVersion);
            if (batchRewarmed[i]) {
                state = rewarm(state);
                states[i] = state;
            }
            if (rules.kinds() != null && state.kinds == null) {
                state.kinds = new AlertKinds(rules.kinds());
            }
            batchPrevious[i] = state.lastValue;
            // Read from the ring before the point enters it, as ScoredStep does.
            batchSeasonal[i] = state.novelty != null
                    ? stepper.valueOneSeasonBefore(state, batchMillis[i], seasonSteps) : Double.NaN;
            batchSeasonalForecast[i] = state.novelty != null ? stepper.profileForecast(state, batchMillis[i]) : Double.NaN;
            batchJudged[i] = counts != null ? Point.trimmedMean(counts[i], values[i], mins[i], maxs[i]) : values[i];
        }
        StepResult[] results = stepper.observe(n, states, batchMillis, values, batchJudged);
        for (int i = 0; i < n; i++) {
            KeyState state = states[i];
            StepResult r = results[i];
            AnomalyScorer scorer = state.novelty;
            boolean window = counts != null;
            double judged = batchJudged[i];
            double beyondRange = state.novelty != null ? state.novelty.widthsBeyondRange(judged) : Double.NaN;
            if (scorer != null) {
                r.score = r.scored ? scorer.update(r.expected, r.sigma, judged, batchSeasonal[i], batchSeasonalForecast[i])
                        : scorer.update(Double.NaN, Double.NaN, judged, batchSeasonal[i], batchSeasonalForecast[i]);
            }
            batchOutcomes[i] = outcome(series[i], state, ts[i], values[i], window ? counts[i] : 1,
                    window ? mins[i] : values[i], window ? maxs[i] : values[i], judged, beyondRange, batchPrevious[i], r,
                    batchRewarmed[i], scorer != null);
        }
        return batchOutcomes;
    }

    /**
     * The cold flag, the alert transition and the records of a point the stepper (and scorer) has just observed;
     * {@code judged} is the window's {@link Point#trimmedMean trimmed mean} of {@code value}, what the point is judged by.
     */
    private Outcome outcome(String series, KeyState state, Instant ts, double value, long count, double min, double max,
                            double judged, double beyondRange, double previous, StepResult r, boolean rewarmed,
                            boolean scoredByScorer) {
        boolean cold = state.steps < rules.coldSteps();
        // The tail probability of a point without a prediction is 0 by definition, not a measurement; a scorer's
        // score is one (detect scores every point).
        boolean alertable = !cold && (r.scored || scoredByScorer);
        AlertRule.Transition transition = transition(state, r, value, count, min, max, judged, beyondRange, previous,
                alertable);
        ForecastRecord forecast = new ForecastRecord(series, ts, value, modelVersion, cold, rules.intervalLevel(), steps(r));
        AnomalyRecord alert = transition == AlertRule.Transition.NONE ? null
                : new AnomalyRecord(series, ts, value, r.expected, r.expected - intervalZ * r.sigma,
                        r.expected + intervalZ * r.sigma, r.score,
                        transition == AlertRule.Transition.OPEN ? AnomalyRecord.State.OPEN : AnomalyRecord.State.RESOLVED,
                        modelVersion, state.alertReason.wireName());
        return new Outcome(state, r, rewarmed, cold, forecast, alert);
    }

    /**
     * Range widths beyond everything a key has reported (its all-time range) at which a jumpy key's jump opens at
     * once ({@link #farOut}): a spike to ten times a 0-100 key's highest value is 9 widths out, whatever
     * the model's sigma. The tail test alone depends on that sigma, which differs between retrained models: a
     * model fine-tuned by the trainer held such a spike as a quiet jump, the spike came back, and nothing opened.
     */
    static final double BEYOND_RANGE = 1;

    /**
     * Whether a point {@code z} one-step sigmas off its prediction, {@code beyondRange} widths beyond the key's
     * all-time range, is far beyond anything the key's noise makes: {@link #BEYOND_RANGE} widths out, or its tail
     * score alone (the novelty score's, without its seasonal reference) passes the alert threshold. A jumpy key's jump
     * that is (a spike to ten times its highest value) opens at once instead of waiting for the jump's shape, which
     * only decides whether a new record, the novelty flag, is news.
     */
    private boolean farOut(double z, double beyondRange) {
        if (beyondRange >= BEYOND_RANGE) {
            return true;
        }
        if (Double.isNaN(z) || rules.novelty() == null) {
            return false;
        }
        double l = TailScore.surprise(z);
        return l / (l + rules.novelty().halfSurprise()) >= rules.alertRule().threshold();
    }

    /**
     * Folds the point into the key's alert: without kinds, the {@link AlertRule} on the score (reason
     * {@code score}). With kinds, their detectors see every point (cold ones too, to learn); on an alertable point
     * with no alert open and past the rule's probation, a kind the point confirms opens an alert with that reason;
     * else (a score opens only {@link AlertRule#openMinSigmas} off the prediction), unless a kind is still undecided (a jump not yet confirmed, a burst forming: the score waits for it, except a jumpy key's jump {@link #farOut}, and,
     * if no kind follows, opens at the first decided point) or the key is settling after a level shift or drift ({@link AlertKinds#settling}), the score's run opens one with
     * reason {@code drift} when the day-long level has moved ({@link AlertKinds#explainScore}), else {@code score}. An open alert resolves after the rule's resolve-after
     * points that are quiet: score below the threshold, no kind confirmed, none ongoing (a burst, a flatline) or
     * pending. A {@code silent} alert resolves at the key's next point, which opens nothing itself.
     */
    private AlertRule.Transition transition(KeyState state, StepResult r, double value, long count, double min, double max,
                                            double judged, double beyondRange, double previous, boolean alertable) {
        AlertRule rule = rules.alertRule();
        if (state.alertOpen && state.alertReason == null) {
            state.alertReason = AlertReason.SCORE; // opened before alerts had reasons: by the score
        }
        boolean high = r.score >= rule.threshold();
        // Sigmas of the key's own errors: a model sigma that its interval calibration has widened (heavy-tailed noise,
        // a young key) made ordinary points look two sigmas out. Never narrower than the model's: the gate's 2 was
        // chosen on it.
        double sigma = r.sigma * Math.max(1, Math.exp(state.intervalLogScale));
        double z = r.scored && r.sigma > 0 ? (judged - r.expected) / sigma : Double.NaN;
        boolean opens = rule.opens(r.score, z);
        AlertKinds kinds = state.kinds;
        AlertReason kind = kinds == null ? null
                : kinds.update(value, previous, r.scored ? r.expected : Double.NaN, r.sigma, alertable && high, count, min, max);
        if (state.alertOpen && state.alertReason == AlertReason.SILENT) {
            state.alertOpen = false;
            state.anomalyRun = 0;
            return AlertRule.Transition.RESOLVED;
        }
        if (!alertable) {
            return AlertRule.Transition.NONE;
        }
        if (kinds == null) {
            AlertRule.Transition t = rule.update(state, r.score, z);
            if (t == AlertRule.Transition.OPEN || state.alertReason == null) {
                state.alertReason = AlertReason.SCORE;
            }
            return t;
        }
        if (!state.alertOpen) {
            if (state.normCount < rule.probationPoints()) {
                state.anomalyRun = 0;
                return AlertRule.Transition.NONE;
            }
            if (kind == null && kinds.undecided() && !(opens && kinds.quietJump() && farOut(z, beyondRange))) {
                if (opens) {
                    kinds.holdScore();
                }
                return AlertRule.Transition.NONE;
            }
            boolean held = kinds.takeHeldScore();
            if (kind == null && kinds.settling()) {
                return AlertRule.Transition.NONE;
            }
            state.anomalyRun = kind != null || opens || held ? state.anomalyRun + 1 : 0;
            if (kind != null || held || state.anomalyRun >= rule.openAfter()) {
                state.alertOpen = true;
                AlertReason explained = kind != null ? kind : kinds.explainScore();
                state.alertReason = explained != null ? explained : AlertReason.SCORE;
                state.anomalyRun = 0;
                return AlertRule.Transition.OPEN;
            }
            return AlertRule.Transition.NONE;
        }
        boolean quiet = !high && kind == null && !kinds.busy();
        state.anomalyRun = quiet ? state.anomalyRun + 1 : 0;
        if (state.anomalyRun >= rule.resolveAfter()) {
            state.alertOpen = false;
            state.anomalyRun = 0;
            return AlertRule.Transition.RESOLVED;
        }
        return AlertRule.Transition.NONE;
    }

    /**
     * The forecast this model holds for a key now, as a {@link ForecastRecord} like those on {@code forecasts}: for
     * a state made by this model, the one emitted at its last point, recomputed from the state
     * ({@link Stepper#forecast(KeyState)}); for a state made by other weights, the forecast of a copy re-warmed under
     * this model, as the next point would re-warm it, with this version and the copy's cold flag. {@code stored}
     * is not changed.
     */
    public ForecastRecord latestForecast(String series, KeyState stored) {
        KeyState state = stepper.needsRewarm(stored, modelVersion) ? stepper.rewarmedCopy(stored, modelVersion) : stored;
        StepResult r = stepper.forecast(state);
        double observed = Double.isNaN(state.lastValue) ? state.recall(state.remembered() - 1) : state.lastValue;
        return new ForecastRecord(series, Instant.ofEpochMilli(state.lastTimestamp), observed, modelVersion,
                state.steps < rules.coldSteps(), rules.intervalLevel(), steps(r));
    }

    /**
     * The one-step predictions this model makes for a key's remembered inputs when it replays them
     * ({@link Stepper#replayOneStep}): {mean, lower, upper}, one entry per remembered input, oldest first, NaN for
     * the first. {@code stored} is not changed.
     */
    public double[][] replayOneStep(KeyState stored) {
        return stepper.replayOneStep(stored, modelVersion);
    }

    /**
     * Rebuilds a state made under other weights: its recurrent state is replayed from the ring under this model. A
     * different architecture or ring size gets a fresh state of the right shape carrying over the normaliser,
     * timestamps, alert, novelty state and remembered inputs ({@link Stepper#rewarmedCopy}).
     */
    private KeyState rewarm(KeyState old) {
        if (old.recurrent.length != stepper.model().spec().stateSize() || old.ringCapacity() != ringCapacity) {
            return stepper.rewarmedCopy(old, modelVersion);
        }
        stepper.rewarm(old, modelVersion);
        return old;
    }

    /**
     * The forecast's steps as an immutable list, which {@link ForecastRecord} keeps as it is: gathered in a reused
     * array, so the list's one copy of it is all besides the steps (an ArrayList cost its array and List.copyOf two more).
     */
    private List<ForecastRecord.Step> steps(StepResult r) {
        if (stepScratch.length != r.horizon()) {
            stepScratch = new ForecastRecord.Step[r.horizon()];
        }
        for (int k = 0; k < r.horizon(); k++) {
            stepScratch[k] = new ForecastRecord.Step(Instant.ofEpochMilli(r.timestamps[k]), r.mean[k], r.lower[k], r.upper[k]);
        }
        return List.of(stepScratch);
    }
}
