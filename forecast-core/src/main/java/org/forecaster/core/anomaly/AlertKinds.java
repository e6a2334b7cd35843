package org.forecaster.core.anomaly;

import java.nio.ByteBuffer;
import org.forecaster.core.wire.Point;

/**
 * Per-key detectors of the kinds of change an on-call team pages for (issue 15): {@link AlertReason#SPIKE spike},
 * {@link AlertReason#LEVEL_SHIFT level shift}, {@link AlertReason#VARIANCE_BURST variance burst},
 * {@link AlertReason#DRIFT drift} and {@link AlertReason#FLATLINE flatline} ({@link AlertReason#SILENT silent} needs
 * no point, so the model service detects it from the time since a key's last point; see {@link Spec#silentSteps}).
 * Each is small and scale-free: it compares a key with its own past, so one setting suits series of any unit.
 *
 * <p>The one-step errors are measured as {@code r = (value - expected) / sigma} under the prediction made before
 * each point, divided by the key's <em>typical error</em>: a running mean of {@code |r|} (a plain mean over the
 * first 288 points, then exponential with that time constant; an error enters it clipped at 5 typical errors, so an
 * incident barely moves it). Dividing by the model's sigma follows a daily pattern of the noise that the model has
 * learnt; dividing by the typical error corrects a model whose sigma is off.
 * <ul>
 * <li><b>jump</b>: an error of at least {@code jumpZ} typical errors (or {@code jumpZ / 2} on a point whose anomaly
 *     score passed the alert threshold) in a calm window (at most one large error among the last
 *     {@code burstWindow} points) starts a jump from the prediction {@code b} by {@code J}. If each of the next
 *     {@code confirmSteps} points stays beyond {@code b + J / 2} it is a <b>level shift</b> (and the drift levels
 *     move by {@code J}: the new level is not a drift too); if one comes back to within 4 typical errors of
 *     {@code b} and no later point up to the {@code confirmSteps}-th has a large error (see variance burst), a
 *     <b>spike</b>; otherwise (a point between, beyond on the other side, or noisy after) nothing. Both are decided
 *     {@code confirmSteps} points after the jump. A key that has jumped once per {@code driftSteps} points (a
 *     day) or more often on average (over about a week; a plain average since warm-up at first) reports no jump:
 *     a square daily pattern, or a series that jumps by nature. Its jumps are followed quietly, to judge the anomaly
 *     score that the jump held back: one that comes back (a heavy-tailed key's outlier, often a new extreme to a
 *     novelty score) drops it, one that stays lets it open its alert.</li>
 * <li><b>variance burst</b>: at least {@code burstCount} of the last {@code burstWindow} points have an error of
 *     at least {@code burstZ} typical errors. It lasts until fewer than half that many have. A key whose bursts
 *     have started more often than 1.5 times per 2,016 points on average (an exponential average over about a week
 *     that starts at 0, this burst included: the second burst within about 1,400 points, 5 days at 5-minute
 *     steps) is bursty by nature: its bursts are not reported.</li>
 * <li><b>drift</b>: the key's day-long level (an exponential mean of the values with time constant
 *     {@code driftSteps}) is at least {@code driftZ} spreads away from its long-run level (time constant
 *     {@code driftBaselineSteps}), where the spread is the long-run mean absolute deviation from that level. A
 *     daily cycle averages out of the day-long level. After it fires, the long-run level takes the day-long one (the
 *     new level is accepted; a drift that goes on fires again when it has moved as far again). Not before
 *     {@code driftBaselineSteps} points.</li>
 * <li><b>flatline</b>: the same value (compared as a float, as the key's ring keeps it) for {@code flatlineSteps}
 *     points in a row, and for twice the longest earlier run of equal values (which decays by
 *     half in about 1,400 points), by a key of which at most {@code flatlineMaxRepeatShare} of the recent
 *     point-to-point steps repeated the value (a plain share over the first 2,016 steps, then exponential; a run
 *     already {@code flatlineSteps} long is not learnt from). So a series constant from the start (an error counter
 *     that stays 0), or one that rests on a value every night, never flatlines. It lasts while the value repeats;
 *     its end holds the shift CUSUM, bursts and the score as a reported level change does (the model learnt the
 *     stuck value, and its errors while it catches up are the flatline's).</li>
 * </ul>
 * A key whose level changes (level shifts and drifts) have been reported more often than 3 times per 2,016 points
 * on average (exponential, from 0, this change included: the fourth within a day or two, or one every 2.8 days or
 * more often) changes level by nature, as a tweet volume or a busy service's request rate does: its level changes
 * are not reported; its detectors still move to the new level and hold the anomaly score for a day after it
 * ({@link #settling}), as after a reported one.
 * <p>A point that is a window of raw events (a live key's point: the mean of a few scrapes) is judged by the detectors
 * above through its <em>trimmed mean</em>, the mean of its events without the lowest and the highest: one wild scrape
 * of a heavy-tailed key moves the mean by a fifth of its size in a window of five, and the trimmed mean not at all,
 * while a change of level moves both (the model still forecasts the mean). It also brings its
 * <em>extreme</em>, the largest distance of one event from the window's mean, which a short spike of one scrape
 * keeps whole where the mean dilutes it (to a fifth in a window of five scrapes).
 * <ul>
 * <li><b>spike</b> (window outliers): a window whose extreme is at least 1.5 times the largest extreme of the key's
 *     recent windows (a maximum that halves in {@value #EXTREME_HALF_LIFE} windows and that outliers do not raise),
 *     or 3 times it for a heavy-tailed key (more than {@value #EXTREME_HEAVY_SHARE} of its windows have an extreme 4
 *     times the typical one, as with Student-t noise), is an outlier. A run of one or two outliers (a spike may
 *     straddle two windows) is a spike when the point after it is back within {@code jumpZ / 2} typical errors of
 *     its prediction and has an ordinary extreme (else it is the start of something the other detectors judge); a
 *     single outlier with several events out (below) followed by a window with a tail extreme (no ordinary one, yet
 *     no outlier: the spike's last scrape) counts as a run of two, judged at the window after that. Not
 *     before {@value #EXTREME_WARMUP} windows with an extreme (four days at 5-minute steps: a maximum over less says
 *     little of a heavy tail), and not for a key whose runs of outliers start more often than
 *     {@link #OUTLIERS_BY_NATURE} times per 2,016 windows (exponential, from 0: the fourth within a few days): an
 *     hourly cron job's spike is its nature.
 *     <br>A window is an outlier too when <em>several</em> of its events lie far from the prediction on the side of
 *     the mean's error: when both the farthest event's distance from the prediction and the sum of the others'
 *     ({@code count * |mean error| - farthest}) reach {@value #SEVERAL_OUT} typical extremes. One wild scrape, however
 *     far, moves the others' sum by nothing, so a heavy-tailed key's single outliers stay quiet, while a spike of two
 *     or three scrapes, which the largest extreme hides in such noise, stands out. (Student-t noise of 3 degrees of
 *     freedom in windows of 5 does that about once in 900,000 windows under an exact prediction, 8 years of
 *     5-minute windows; numpy, 8 million windows.) As such a window moves the
 *     mean, the model's next prediction follows it part of the way; the point after it is then also back when that
 *     prediction lies between it and the outlier, the value having come back past it.</li>
 * <li><b>variance burst</b> (noisy scrapes): the recent windows' extremes (an exponential mean of their logs, rate
 *     {@value #NOISY_RATE} per window) reach {@value #NOISY_RATIO} times the typical one (the same over all windows,
 *     time constant {@value #EXTREME_MEMORY}), unless the key is bursty by nature. It lasts until they are back under
 *     the square root of that; noise that stays becomes the typical one within hours. A log mean hardly moves for a
 *     heavy tail's single record, which a window's mean error does. Not before {@value #NOISY_WARMUP} windows.</li>
 * </ul>
 * Both chosen on the generated training scenarios (seeds 1-8; NAB's points are single values and have no extreme):
 * docs/evaluation.md, issue 15's twelfth session.
 * A missing step is neither a point nor an error: it does not end a run of equal values or count in any window.
 * Nothing fires before the key has {@value #WARMUP_POINTS} points with errors (and their typical error).
 *
 * <p>Mutable, one instance per key (its state is part of the key's state, {@link #writeTo}); not thread-safe. No
 * allocation per point. The state does not depend on the model's weights: a weight swap or re-warm keeps it.
 */
public final class AlertKinds {
    /**
     * The detectors' settings; a zero turns a detector off ({@code jumpZ} spike and level shift, {@code burstCount}
     * variance burst, {@code driftZ} drift, {@code flatlineSteps} flatline, {@code silentSteps} silent).
     *
     * @param jumpZ                  error in typical errors that starts a jump (spike or level shift)
     * @param confirmSteps           points after a jump that must stay beyond half of it for a level shift
     * @param burstZ                 error in typical errors that counts as large for a variance burst
     * @param burstWindow            points looked back over for a variance burst, 1..16
     * @param burstCount             large errors in that window that make a variance burst
     * @param driftSteps             time constant in points of the day-long level
     * @param driftBaselineSteps     time constant in points of the long-run level and spread
     * @param driftZ                 distance of the day-long level from the long-run one, in spreads, that is a drift
     * @param flatlineSteps          equal values in a row that make a flatline
     * @param flatlineMaxRepeatShare a key flatlines only if at most this share of its recent steps repeated the value
     * @param silentSteps            steps without a point after which a key is silent
     * @param shiftK                 allowance of the shift CUSUM per point, in typical errors
     * @param shiftH                 sum of (error - shiftK) over a run of errors of one sign, in typical errors, that
     *                               is a level shift (run of at most 12 points) or a drift (longer); 0: off
     */
    public record Spec(double jumpZ, int confirmSteps, double burstZ, int burstWindow, int burstCount, int driftSteps,
                       int driftBaselineSteps, double driftZ, int flatlineSteps, double flatlineMaxRepeatShare,
                       int silentSteps, double shiftK, double shiftH) {
        /**
         * Set so that ordinary noise, daily cycles and missed scrapes do not page (a false page wakes someone): a
         * jump of 8 typical errors (about 6.4 sigma of Gaussian noise) confirmed over 3 points; 6 of 12 points with
         * 3 typical errors (each about a 1.6 % event in Gaussian noise); a drift of 5 spreads of a day-long level
         * against an 8-day one; a flatline of 12 equal values (an hour at 5-minute steps) from a key that repeats
         * a value in at most 10 % of its steps; silent after 5 steps without a point (25 minutes at 5-minute steps:
         * half an hour without scrapes that starts inside a window loses only 5 whole windows, which 6 missed, and 12
         * paged an hour late; NAB's real series have gaps of 5 or more steps 0.0074 times per series-day, against
         * 0.0059 for 6 and 0.0037 for 12); a shift when errors of one sign
         * exceed 2 typical errors by 10 in sum (k and h picked on the bundled model's generated training scenarios,
         * seeds 1-4, as the most windows found with at most 0.05 false alerts per series-day on each; h = 6-8 find
         * two drifts more on the 6-day development scenarios, but NAB's real series through the service's alert path
         * lose 8 of 55 windows at 18 more false alerts with 7: docs/evaluation.md, issue 15's twenty-second session).
         */
        public static final Spec DEFAULT = new Spec(8, 3, 3, 12, 6, 288, 2304, 5, 12, 0.1, 5, 2, 10);

        public Spec {
            if (!(jumpZ >= 0) || !(burstZ >= 0) || !(driftZ >= 0) || Double.isInfinite(jumpZ + burstZ + driftZ)) {
                throw new IllegalArgumentException("jump, burst and drift thresholds must be >= 0 and finite, got "
                        + jumpZ + ", " + burstZ + ", " + driftZ);
            }
            if (confirmSteps < 1 || confirmSteps > 100) {
                throw new IllegalArgumentException("confirm steps must be in 1..100, got " + confirmSteps);
            }
            if (burstWindow < 1 || burstWindow > 16 || burstCount < 0 || burstCount > burstWindow) {
                throw new IllegalArgumentException("need a burst window in 1..16 and a burst count in 0..window, got "
                        + burstWindow + " and " + burstCount);
            }
            if (driftSteps < 1 || driftBaselineSteps <= driftSteps) {
                throw new IllegalArgumentException("need drift steps >= 1 and a longer drift baseline, got " + driftSteps
                        + " and " + driftBaselineSteps);
            }
            if (flatlineSteps < 0 || !(flatlineMaxRepeatShare >= 0 && flatlineMaxRepeatShare <= 1)) {
                throw new IllegalArgumentException("need flatline steps >= 0 and a repeat share in [0, 1], got "
                        + flatlineSteps + " and " + flatlineMaxRepeatShare);
            }
            if (silentSteps < 0) {
                throw new IllegalArgumentException("silent steps must not be negative, got " + silentSteps);
            }
            if (!(shiftK >= 0 && shiftH >= 0) || Double.isInfinite(shiftK + shiftH)) {
                throw new IllegalArgumentException("shift allowance and threshold must be >= 0 and finite, got " + shiftK
                        + " and " + shiftH);
            }
        }
    }

    /** Points with a one-step error a key needs before any detector fires. */
    public static final int WARMUP_POINTS = 48;
    /** Time constant in points of the typical error. */
    static final int ERROR_MEMORY = 288;
    /** Time constant in points of the repeat share, and of the decay of the longest run. */
    static final int REPEAT_MEMORY = 2016;
    /** An error enters the typical error clipped at this many typical errors. */
    static final double ERROR_CLIP = 5;
    /**
     * Time constant in points (a week at 5-minute steps) of the burst rate and the level change rate, by which a key is
     * bursty or changes level by nature ({@link #BURSTS_BY_NATURE}, {@link #CHANGES_BY_NATURE}).
     */
    static final int BURST_MEMORY = 2016;
    /**
     * Bursts per {@link #BURST_MEMORY} points (on average, this one included) above which a key is bursty by nature,
     * and level changes per as many points above which it changes level by nature. Chosen by leave-one-category-out
     * cross-validation on NAB through the service's alert path, among settings that find every window the defaults
     * find on the generated training scenarios (docs/evaluation.md, issue 15's eleventh session).
     */
    static final double BURSTS_BY_NATURE = 1.5, CHANGES_BY_NATURE = 3;
    /** An error enters the shift CUSUM clipped at this many typical errors: one wild point is a spike's business. */
    static final double SHIFT_CLIP = 4;
    /**
     * A key that repeats its value in more than this share of its steps (a constant or a mostly-idle counter) has
     * no noise for the shift CUSUM to measure against: the model's tiny wiggles around it would look like shifts.
     */
    static final double SHIFT_MAX_REPEAT_SHARE = 0.5;
    /**
     * Points after a reported level change (of any detector) or a flatline's end during which the shift CUSUM does
     * not sum: the model needs them to catch up with the new level (the profile's level has a time constant of 20
     * points), and its errors meanwhile are the change already reported. No variance burst starts during it either.
     */
    static final int SHIFT_HOLD = 36;
    /**
     * Equal values in a row that hold the shift CUSUM: a stuck value off the level is the flatline's to report (the
     * same float three times is no noisy level), and a level shift reported first paged twice for it.
     */
    static final int STUCK_RUN = 3;
    /** A CUSUM run that fires within this many points is a level shift, a longer one a drift. */
    static final int SHIFT_ABRUPT = 12;
    /** Bytes of {@link #writeTo} before the shift CUSUM (key states of codec version 3). */
    public static final int ENCODED_SIZE_V3 = 1 + 1 + 2 + 4 * Integer.BYTES + 8 * Float.BYTES + 3 * Double.BYTES;
    /** A jump is back when within this many typical errors of where it started. */
    static final double BACK_Z = 4;
    /** Bytes of {@link #writeTo} before the level change rate (key states of codec version 4). */
    public static final int ENCODED_SIZE_V4 = ENCODED_SIZE_V3 + 4 * Float.BYTES + 2 * Integer.BYTES;
    /** Bytes of {@link #writeTo} before the window extremes (key states of codec version 5). */
    public static final int ENCODED_SIZE_V5 = ENCODED_SIZE_V4 + Float.BYTES;
    /** Bytes of {@link #writeTo}. */
    public static final int ENCODED_SIZE = ENCODED_SIZE_V5 + 5 * Float.BYTES + Integer.BYTES + 1;
    /** Windows with an extreme a key needs before an outlier counts, and the half-life in windows of their maximum. */
    static final int EXTREME_WARMUP = 1152, EXTREME_HALF_LIFE = 4032;
    /** An outlier's extreme, in the key's largest recent extreme, for a light-tailed key and a heavy-tailed one. */
    static final double OUTLIER_LIGHT = 1.5, OUTLIER_HEAVY = 3;
    /**
     * Several events of a window this many typical extremes from the prediction make it an outlier (see the class
     * comment). Chosen on the generated training scenarios 1-8 and the 6-day development scenarios among 7 to 11:
     * 10 finds two windows more than 11 (spikes of two or three scrapes 17 noise scales out in a key's first days,
     * before its extremes' maximum is warm) at the same false alerts, 9 the same windows at one false alert more, 8
     * one window more at one false alert more, 7 loses a window at four more (docs/evaluation.md, issue 15's
     * twenty-second session; 11 since its fifteenth).
     */
    static final double SEVERAL_OUT = 10;
    /** Outliers in a row that are no spike (a burst of noisy scrapes, for that detector). */
    static final int OUTLIER_BURST_RUN = 3;
    /**
     * Noisy scrapes: the recent windows' extremes (an exponential mean of their logs with this rate per window) this
     * many times the typical one start a variance burst, which lasts until they are back under its square root;
     * not before NOISY_WARMUP windows with an extreme.
     */
    static final double NOISY_RATE = 0.15, NOISY_RATIO = 3;
    static final int NOISY_WARMUP = 288;
    /** An extreme at most this share of the value is rounding of equal events, not one of the key's extremes. */
    static final double EQUAL_EVENTS = 1e-9;
    /**
     * Runs of outliers per {@link #BURST_MEMORY} windows (on average, this one included) above which a key is spiky
     * by nature.
     */
    static final double OUTLIERS_BY_NATURE = 3;
    /** A key with more than this share of windows {@link #EXTREME_TAIL} typical extremes out is heavy-tailed. */
    static final double EXTREME_HEAVY_SHARE = 0.003, EXTREME_TAIL = 4;
    private static final double EXTREME_DECAY = Math.pow(0.5, 1.0 / EXTREME_HALF_LIFE);
    /** The typical extreme is a mean of logs: the tail and noisy thresholds as log distances from it. */
    private static final double LOG_EXTREME_TAIL = Math.log(EXTREME_TAIL), LOG_NOISY_RATIO = Math.log(NOISY_RATIO);
    /** Time constant in windows of the typical extreme (a geometric mean: a heavy tail barely moves it). */
    private static final int EXTREME_MEMORY = 100;

    /** QUIET_JUMP: the pending jump is a jumpy key's, followed only to judge its held score (it reports no kind). */
    /** QUIET_OUTLIERS: the current run of outliers is a spiky key's (it reports no kind). */
    /** SEVERAL_RUN: the current run of outliers has a window with several events out (its mean moved). */
    private static final int BURST_ON = 1, FLAT_FIRED = 2, JUMP_BACK = 4, SCORE_HELD = 8, QUIET_JUMP = 16,
            QUIET_OUTLIERS = 32, NOISY = 64, SEVERAL_RUN = 128;
    private static final int CAP = 1 << 30;

    private final Spec spec;
    private int flags;
    /** 0: no jump; k >= 1: a jump whose first k - 1 follow-up points stayed. */
    private int pending;
    /** Large errors of the last 16 points, newest in bit 0. */
    private int burstMask;
    /** Points seen, points with an error, the current run of equal values, points since a level change; all capped. */
    private int seen, errors, run, sinceChange;
    private float typicalError, jump, jumpSigma, repeatShare, longestRun, spread;
    /** Share of points that started a jump (plain at first, then exponential with time constant REPEAT_MEMORY). */
    private float jumpShare;
    /** Share of points that started a variance burst (exponential with time constant BURST_MEMORY, from 0). */
    private float burstShare;
    /** Share of points that reported a level shift or drift (exponential with time constant BURST_MEMORY, from 0). */
    private float changeShare;
    private double jumpBase, fastLevel, slowLevel;
    /**
     * Window extremes: log of the typical one, the decaying largest, the share of windows with a tail extreme (plain
     * at first, then exponential over REPEAT_MEMORY), the share that were outliers (exponential over BURST_MEMORY,
     * from 0), windows with an extreme seen (capped) and the outliers in a row up to the last point (capped at 255).
     */
    private float extremeLogTypical, extremeLogRecent;
    private float extremeMax, extremeTailShare, outlierShare;
    private int extremes, outlierRun;
    /** Two-sided CUSUM of the clipped errors in typical errors (up, down), its runs' lengths and summed raw errors. */
    private float shiftUp, shiftDown, shiftUpSum, shiftDownSum;
    private int shiftUpLength, shiftDownLength;
    /** What the last update left undecided or ongoing, and whether noisy scrapes started; not part of the state. */
    private boolean undecided, ongoing, noisyStarted;

    public AlertKinds(Spec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("alert kinds need a spec");
        }
        this.spec = spec;
        clear();
    }

    /** Back to a new key's state: every field, so that a reused object ({@link #readFrom(Spec, ByteBuffer, int, AlertKinds)}) keeps nothing of its last key. */
    private void clear() {
        flags = pending = burstMask = seen = errors = run = 0;
        sinceChange = CAP;
        typicalError = Float.NaN;
        jump = jumpSigma = longestRun = spread = jumpShare = burstShare = changeShare = 0;
        repeatShare = 1;
        jumpBase = fastLevel = slowLevel = 0;
        extremeLogTypical = extremeLogRecent = Float.NaN;
        extremeMax = extremeTailShare = outlierShare = 0;
        extremes = outlierRun = 0;
        shiftUp = shiftDown = shiftUpSum = shiftDownSum = 0;
        shiftUpLength = shiftDownLength = 0;
        undecided = ongoing = noisyStarted = false;
    }

    public Spec spec() {
        return spec;
    }

    /**
     * Folds one observed point in and returns the kind it confirms, or null.
     *
     * @param value     the point's value (finite)
     * @param previous  the key's previous observed value; NaN for none
     * @param expected  the one-step prediction made before the point; NaN for none
     * @param sigma     its scale
     * @param scoreHigh whether the point's anomaly score passed the alert threshold (lowers the jump threshold)
     */
    public AlertReason update(double value, double previous, double expected, double sigma, boolean scoreHigh) {
        return update(value, previous, expected, sigma, scoreHigh, 1, value, value);
    }

    /**
     * As {@link #update(double, double, double, double, boolean)} for a point that is a window of {@code events} raw
     * events between {@code min} and {@code max}, {@code mean} their mean (a {@link Point}'s fields); a count below
     * {@value Point#EXTREME_MIN_COUNT} (a single value: 1, or 0 with NaN bounds) judges no outlier. Every detector but
     * the window outliers judges the window by its {@link Point#trimmedMean trimmed mean}, which one wild scrape does
     * not move.
     */
    public AlertReason update(double mean, double previous, double expected, double sigma, boolean scoreHigh,
                              long events, double min, double max) {
        sinceChange = Math.min(sinceChange + 1, CAP);
        AlertReason outlier = outliers(events, min, max, mean, previous, expected, sigma);
        double value = Point.trimmedMean(events, mean, min, max);
        AlertReason flat = flatline(value, previous);
        AlertReason drift = drift(value);
        AlertReason jumpKind = null, burst = null, shift = null;
        int calmBefore = Integer.bitCount(burstMask & windowMask());
        boolean large = false;
        if (!Double.isNaN(expected) && sigma > 0) {
            double r = (value - expected) / sigma;
            boolean warm = errors >= WARMUP_POINTS && typicalError > 0;
            double z = warm ? r / typicalError : 0;
            large = warm && spec.burstZ() > 0 && Math.abs(z) >= spec.burstZ();
            if (pending > 0) {
                jumpKind = followJump(value, large);
            }
            boolean jumped = pending == 0 && warm && spec.jumpZ() > 0 && calmBefore <= 1
                    && (Math.abs(z) >= spec.jumpZ() || (scoreHigh && Math.abs(z) >= spec.jumpZ() / 2));
            // A key that jumps (half the jump threshold counts) once a day or more often, a square daily pattern or
            // a series that jumps by nature: its jumps are not news. Its jump is followed quietly: one that comes
            // back (a heavy-tailed key's outlier, often a new record to the novelty score) drops the score it held;
            // one that stays lets the held score open, as without kinds.
            boolean quiet = jumpShare * spec.driftSteps() >= 1;
            double aRate = Math.max(1.0 / Math.max(1, errors - WARMUP_POINTS + 1), 1.0 / REPEAT_MEMORY);
            boolean jumpish = spec.jumpZ() > 0 && Math.abs(z) >= spec.jumpZ() / 2;
            jumpShare = warm ? (float) (jumpShare + aRate * ((jumpish ? 1 : 0) - jumpShare)) : 0;
            if (jumped) {
                pending = 1;
                flags = quiet ? flags | QUIET_JUMP : flags & ~QUIET_JUMP;
                jumpBase = expected;
                jump = (float) (value - expected);
                jumpSigma = (float) (sigma * typicalError);
            }
            if (warm && spec.shiftH() > 0 && sinceChange >= SHIFT_HOLD) {
                shift = shift(Math.max(-SHIFT_CLIP, Math.min(SHIFT_CLIP, z)), value - expected);
            }
            double a = Math.max(1.0 / (errors + 1), 1.0 / ERROR_MEMORY);
            double x = warm ? Math.min(Math.abs(r), ERROR_CLIP * typicalError) : Math.abs(r);
            typicalError = Float.isNaN(typicalError) ? (float) x : (float) (typicalError + a * (x - typicalError));
            errors = Math.min(errors + 1, CAP);
        } else if (pending > 0) {
            jumpKind = followJump(value, false);
        }
        burstMask = ((burstMask << 1) | (large ? 1 : 0)) & 0xFFFF;
        int count = Integer.bitCount(burstMask & windowMask());
        if (spec.burstCount() > 0) {
            // Within the hold after a reported level change the large errors are that change's, not a burst.
            // Nor are a repeated value's: a stuck value is the flatline's (STUCK_RUN).
            boolean starts = (flags & (BURST_ON | NOISY)) == 0 && count >= spec.burstCount()
                    && sinceChange >= SHIFT_HOLD && !stuck();
            int oneSided = spec.shiftH() == 0 || pending > 0 || repeatShare > SHIFT_MAX_REPEAT_SHARE ? 0
                    : shiftUpLength >= spec.burstCount() && shiftUp >= spec.shiftH() / 2 ? 1
                    : shiftDownLength >= spec.burstCount() && shiftDown >= spec.shiftH() / 2 ? -1 : 0;
            if (errors > WARMUP_POINTS) {
                // Exponential from 0, not a plain share at first: one burst in a key's first days is no evidence
                // of two per BURST_MEMORY points, and as a plain share it muted the key's bursts for days.
                double a = 1.0 / BURST_MEMORY;
                burstShare = (float) (burstShare + a * ((starts && oneSided == 0 ? 1 : 0) - burstShare));
            }
            if (starts && oneSided != 0) {
                // Large errors that all lie on one side are a level the model has not caught up with, not noise.
                shift = fireShift(oneSided > 0);
            } else if (starts) {
                flags |= BURST_ON;
                cancelJump(); // a jump inside a burst is part of it
                resetShift();
                if (burstShare * BURST_MEMORY / BURSTS_BY_NATURE < 1) {
                    burst = AlertReason.VARIANCE_BURST;
                }
            } else if ((flags & BURST_ON) != 0 && 2 * count < spec.burstCount()) {
                flags &= ~BURST_ON;
            }
        }
        // A burst may be forming while large errors gather and the last two points had one.
        boolean outliersPending = outlierRun > 0 && outlierRun < OUTLIER_BURST_RUN && (flags & QUIET_OUTLIERS) == 0;
        undecided = outliersPending || pending > 0
                || (count >= 2 && (burstMask & 3) != 0 && (flags & BURST_ON) == 0 && spec.burstCount() > 0);
        ongoing = (flags & (BURST_ON | FLAT_FIRED | NOISY)) != 0;
        if (jumpKind != null) {
            resetShift();
        }
        AlertReason kind = flat != null ? flat : jumpKind != null ? jumpKind : outlier != null ? outlier
                : burst != null ? burst : shift != null ? shift : drift;
        return byNature(kind);
    }

    /**
     * The kind a window's {@code extreme} starts or confirms: a variance burst when noisy scrapes start; a spike at
     * the point after a run of fewer than {@value #OUTLIER_BURST_RUN} outliers if it is back near its prediction (or
     * has none to judge by: a window without a model's error cannot be a level's start either) with an ordinary
     * extreme; else null.
     */
    private AlertReason outliers(long count, double min, double max, double value, double previous, double expected,
                                 double sigma) {
        double extreme = Point.extreme(count, value, min, max);
        boolean several = severalOut(extreme, count, min, max, value, expected);
        boolean outlier = outlier(extreme, value, several);
        AlertReason burst = null;
        if (noisyStarted) {
            boolean bursty = burstShare * BURST_MEMORY / BURSTS_BY_NATURE >= 1;
            burstShare = (float) Math.min(1, burstShare + 1.0 / BURST_MEMORY);
            burst = (flags & BURST_ON) == 0 && !bursty ? AlertReason.VARIANCE_BURST : null;
        }
        if (outlier) {
            if (outlierRun == 0) {
                outlierShare = (float) Math.min(1, outlierShare + 1.0 / BURST_MEMORY); // decayed in outlier()
                boolean byNature = outlierShare * BURST_MEMORY / OUTLIERS_BY_NATURE >= 1;
                flags = byNature ? flags | QUIET_OUTLIERS : flags & ~QUIET_OUTLIERS;
                flags &= ~SEVERAL_RUN;
            }
            flags = several ? flags | SEVERAL_RUN : flags;
            outlierRun = Math.min(outlierRun + 1, 255);
            return burst;
        }
        if (outlierRun == 0) {
            return burst;
        }
        if (outlierRun == 1 && (flags & (QUIET_OUTLIERS | NOISY | SEVERAL_RUN)) == SEVERAL_RUN && !calm(extreme)) {
            // The spike's last scrape in the next window, too few for an outlier there: judged at the window after.
            // Only after several events out: one wild window and a wild one after it is how noisy scrapes start.
            outlierRun = 2;
            return burst;
        }
        boolean spike = outlierRun < OUTLIER_BURST_RUN && (flags & (QUIET_OUTLIERS | NOISY)) == 0;
        boolean meanMoved = (flags & SEVERAL_RUN) != 0;
        outlierRun = 0;
        flags &= ~(QUIET_OUTLIERS | SEVERAL_RUN);
        if (!spike) {
            return burst;
        }
        // Back: the value near its prediction, and the window's own events ordinary (in noisy scrapes, the first
        // outliers are the burst's).
        boolean calm = calm(extreme);
        double near = spec.jumpZ() / 2 * typicalError * sigma;
        boolean back = Double.isNaN(expected) || !(sigma > 0) || !(typicalError > 0)
                || Math.abs(value - expected) < near
                // The prediction followed the outlier's mean part of the way, and the value came back past it.
                || (meanMoved && (expected - previous) * (value - expected) > 0 && Math.abs(previous - expected) >= near);
        return back && calm ? AlertReason.SPIKE : null;
    }

    /** Whether a window's extreme is ordinary: not {@value #EXTREME_TAIL} typical extremes (NaN: none, calm). */
    private boolean calm(double extreme) {
        return !(extreme > Math.exp(extremeLogTypical) * EXTREME_TAIL);
    }

    /**
     * Whether several of a window's events lie far out on the side of its mean's error: the farthest event's distance
     * from {@code expected} and the sum of the other events' ({@code count * |mean error| - farthest}) both at least
     * {@value #SEVERAL_OUT} typical extremes. Needs a window with an {@code extreme} and the key's typical extreme over
     * {@value #NOISY_WARMUP} windows, the warm-up the noisy-scrapes detector gives the same typical extreme.
     */
    private boolean severalOut(double extreme, long count, double min, double max, double value, double expected) {
        if (Double.isNaN(extreme) || Double.isNaN(expected) || Float.isNaN(extremeLogTypical) || extremes < NOISY_WARMUP
                || spec.jumpZ() == 0) {
            return false;
        }
        double error = value - expected;
        double farthest = error > 0 ? max - expected : expected - min;
        double others = count * Math.abs(error) - farthest;
        return Math.min(farthest, others) >= SEVERAL_OUT * Math.exp(extremeLogTypical);
    }

    /**
     * Folds a window's extreme (NaN: none) into the key's extremes and returns whether it is an outlier (by its extreme,
     * or {@code several} events out); also moves
     * the noisy-scrapes state, setting {@link #noisyStarted} when it starts. An outlier's extreme does not raise the
     * key's largest, so a second spike of the same size is one too.
     */
    private boolean outlier(double extreme, double value, boolean several) {
        noisyStarted = false;
        // Events that are all equal (a flatline) leave an extreme of rounding only: no measure of the key's noise.
        if (!(extreme > EQUAL_EVENTS * Math.abs(value)) || Double.isInfinite(extreme) || spec.jumpZ() == 0) {
            return false;
        }
        double logExtreme = Math.log(extreme);
        boolean heavy = extremeTailShare > EXTREME_HEAVY_SHARE;
        boolean outlier = several
                || extremes >= EXTREME_WARMUP && extreme >= (heavy ? OUTLIER_HEAVY : OUTLIER_LIGHT) * extremeMax;
        if (extremes >= EXTREME_WARMUP) {
            // Decays here; a run's start adds its 1 in outliers().
            outlierShare = (float) (outlierShare - outlierShare / BURST_MEMORY);
        }
        if (!Float.isNaN(extremeLogTypical)) {
            boolean tail = logExtreme >= extremeLogTypical + LOG_EXTREME_TAIL;
            extremeTailShare = (float) (extremeTailShare + ((tail ? 1 : 0) - extremeTailShare) / Math.min(extremes + 1, REPEAT_MEMORY));
        }
        extremeLogRecent = Float.isNaN(extremeLogRecent) ? (float) logExtreme
                : (float) (extremeLogRecent + NOISY_RATE * (logExtreme - extremeLogRecent));
        if (spec.burstCount() > 0 && !Float.isNaN(extremeLogTypical)) {
            double above = extremeLogRecent - extremeLogTypical;
            if ((flags & NOISY) != 0 && above < LOG_NOISY_RATIO / 2) {
                flags &= ~NOISY;
            } else if ((flags & NOISY) == 0 && extremes >= NOISY_WARMUP && above >= LOG_NOISY_RATIO) {
                flags |= NOISY;
                noisyStarted = true;
            }
        }
        // Noisy scrapes that go on for hours become the key's typical ones: the burst then ends.
        extremeLogTypical = Float.isNaN(extremeLogTypical) ? (float) logExtreme
                : (float) (extremeLogTypical + Math.max(1.0 / (extremes + 1), 1.0 / EXTREME_MEMORY) * (logExtreme - extremeLogTypical));
        extremeMax = (float) (outlier ? extremeMax * EXTREME_DECAY : Math.max(extremeMax * EXTREME_DECAY, extreme));
        extremes = Math.min(extremes + 1, CAP);
        return outlier;
    }

    /**
     * The kind to report: none for a level change of a key that changes level by nature. Its detectors have moved to
     * the new level as for a reported change, so the anomaly score stays held while the key settles.
     */
    private AlertReason byNature(AlertReason kind) {
        if (errors <= WARMUP_POINTS) {
            return kind;
        }
        boolean change = kind == AlertReason.LEVEL_SHIFT || kind == AlertReason.DRIFT;
        changeShare = (float) (changeShare + (1.0 / BURST_MEMORY) * ((change ? 1 : 0) - changeShare));
        return change && changeShare * BURST_MEMORY / CHANGES_BY_NATURE >= 1 ? null : kind;
    }

    /**
     * The shift CUSUM's next error {@code u} (in typical errors, clipped) and raw error: fires when either side's sum
     * of {@code u - shiftK} reaches {@code shiftH}, outside a variance burst and a pending jump, not while the scrapes grow
     * noisier ({@link #scrapesNoisier}) or the value repeats ({@link #STUCK_RUN}), by a key that does not
     * mostly repeat its value ({@link #SHIFT_MAX_REPEAT_SHARE}). The levels of the
     * drift detector move by the run's mean error, so the same change does not fire again as a drift.
     */
    private AlertReason shift(double u, double error) {
        if (stuck()) {
            resetShift(); // a stuck value's errors are no level's, not even after it moves again
            return null;
        }
        shiftUp = (float) Math.max(0, shiftUp + u - spec.shiftK());
        shiftDown = (float) Math.max(0, shiftDown - u - spec.shiftK());
        if (shiftUp > 0) {
            shiftUpLength = Math.min(shiftUpLength + 1, CAP);
            shiftUpSum += (float) error;
        } else {
            shiftUpLength = 0;
            shiftUpSum = 0;
        }
        if (shiftDown > 0) {
            shiftDownLength = Math.min(shiftDownLength + 1, CAP);
            shiftDownSum += (float) error;
        } else {
            shiftDownLength = 0;
            shiftDownSum = 0;
        }
        boolean up = shiftUp >= spec.shiftH();
        if (!up && shiftDown < spec.shiftH() || (flags & BURST_ON) != 0 || pending > 0 || repeatShare > SHIFT_MAX_REPEAT_SHARE
                || scrapesNoisier()) {
            return null;
        }
        return fireShift(up);
    }

    /**
     * Whether the recent windows' extremes are at least the square root of {@value #NOISY_RATIO} times the typical
     * one: noisy scrapes forming, whose window means may lie on one side for a while by chance. A level that moves
     * leaves the scrapes around it as noisy as before (one window holds the step), so its errors alone are judged.
     */
    private boolean scrapesNoisier() {
        return extremeLogRecent - extremeLogTypical >= LOG_NOISY_RATIO / 2; // NaN (no extremes): false
    }

    /**
     * Whether the value has repeated for {@link #STUCK_RUN} points and twice the key's longest earlier run (as the
     * flatline detector asks): a key whose values are coarse, with runs of a few equal values now and then, is not stuck
     * at its usual runs.
     */
    private boolean stuck() {
        return run >= Math.max(STUCK_RUN, 2 * longestRun);
    }

    /** Reports the up or down CUSUM run as a level shift or drift and starts both sums again. */
    private AlertReason fireShift(boolean up) {
        int length = up ? shiftUpLength : shiftDownLength;
        double mean = (up ? shiftUpSum : shiftDownSum) / Math.max(1, length);
        fastLevel += mean;
        slowLevel += mean;
        sinceChange = 0;
        burstMask = 0; // its large errors were the shift's
        resetShift();
        return length <= SHIFT_ABRUPT ? AlertReason.LEVEL_SHIFT : AlertReason.DRIFT;
    }

    private void resetShift() {
        shiftUp = shiftDown = shiftUpSum = shiftDownSum = 0;
        shiftUpLength = shiftDownLength = 0;
    }

    /**
     * Whether the last point left a decision pending (a jump not yet confirmed, or large errors that may become a
     * variance burst): an anomaly score should not open an alert of its own then, the kind may follow.
     */
    public boolean undecided() {
        return undecided;
    }

    /** Whether the pending jump is a jumpy key's, followed quietly (it will report no kind). */
    public boolean quietJump() {
        return pending > 0 && (flags & QUIET_JUMP) != 0;
    }

    /** Remembers that an anomaly score passed the threshold while {@link #undecided}, for {@link #takeHeldScore}. */
    public void holdScore() {
        flags |= SCORE_HELD;
    }

    /**
     * Whether a score was held since the last call (and forgets it): once the kind is decided and none fired, the
     * held score opens its alert after all, so an incident of no kind (a few erratic points) still pages.
     */
    public boolean takeHeldScore() {
        boolean held = (flags & SCORE_HELD) != 0;
        flags &= ~SCORE_HELD;
        return held;
    }

    /** Whether the last point is part of an ongoing condition (a variance burst, a flatline) or a pending jump. */
    public boolean busy() {
        return ongoing || pending > 0;
    }

    private int windowMask() {
        return (1 << spec.burstWindow()) - 1;
    }

    /**
     * The jump's next point: {@code pending - 1} follow-ups have stayed beyond half the jump so far, or (flag
     * {@code JUMP_BACK}) it came back and {@code pending - 1} follow-ups have passed. Decided at the
     * {@code confirmSteps}-th follow-up: a level shift if all stayed; a spike if it came back and no later point had
     * a large error (in a burst of noise the first large error often comes back too: that is the burst's).
     */
    private AlertReason followJump(double value, boolean large) {
        if ((flags & JUMP_BACK) != 0) {
            if (large) {
                if ((flags & QUIET_JUMP) != 0) {
                    flags &= ~SCORE_HELD; // a jumpy key's outlier came back and its noise goes on: no news either
                }
                cancelJump();
                return null;
            }
            return pending++ >= spec.confirmSteps() ? decided(AlertReason.SPIKE) : null;
        }
        double dev = (value - jumpBase) * Math.signum(jump);
        if (dev >= Math.abs(jump) / 2) {
            if (pending++ >= spec.confirmSteps()) {
                if ((flags & QUIET_JUMP) != 0) {
                    return decided(AlertReason.LEVEL_SHIFT); // reports nothing; its held score opens
                }
                if (stuckSinceJump()) {
                    flags |= FLAT_FIRED; // lasts while the value repeats, as the flatline detector's own
                    return decided(AlertReason.FLATLINE);
                }
                fastLevel += jump;
                slowLevel += jump;
                sinceChange = 0;
                return decided(AlertReason.LEVEL_SHIFT);
            }
            return null;
        }
        if (Math.abs(value - jumpBase) > BACK_Z * jumpSigma) {
            cancelJump();
            return null;
        }
        flags |= JUMP_BACK;
        return pending++ >= spec.confirmSteps() ? decided(AlertReason.SPIKE) : null;
    }

    /**
     * Whether the jump's point and every point since are one value ({@link #stuck}), by a key whose values rarely
     * repeat: a value that jumped and stuck is a flatline (reported at once, not after {@code flatlineSteps}: the jump
     * already tells it from the key's level), not a level.
     */
    private boolean stuckSinceJump() {
        return spec.flatlineSteps() > 0 && run > spec.confirmSteps() && stuck()
                && repeatShare <= spec.flatlineMaxRepeatShare();
    }

    /**
     * The kind a followed jump turned out to be. A quiet jump reports none; one that came back (a spike) drops the
     * score it held, one that stayed lets it open.
     */
    private AlertReason decided(AlertReason kind) {
        boolean quiet = (flags & QUIET_JUMP) != 0;
        cancelJump();
        if (quiet) {
            if (kind == AlertReason.SPIKE) {
                flags &= ~SCORE_HELD;
            }
            return null;
        }
        return kind;
    }

    private void cancelJump() {
        pending = 0;
        flags &= ~(JUMP_BACK | QUIET_JUMP);
    }

    private AlertReason flatline(double value, double previous) {
        boolean repeat = false;
        if (!Double.isNaN(previous)) {
            repeat = (float) value == (float) previous;
            if (spec.flatlineSteps() == 0 || run < spec.flatlineSteps()) {
                double a = Math.max(1.0 / (seen + 1), 1.0 / REPEAT_MEMORY); // seen counts earlier points: pairs + 1
                repeatShare = (float) (seen == 0 ? (repeat ? 1 : 0) : repeatShare + a * ((repeat ? 1 : 0) - repeatShare));
            }
        }
        if (repeat) {
            run = Math.min(run + 1, CAP);
        } else {
            if (run > 1) {
                longestRun = Math.max(longestRun, run);
            }
            run = 1;
            if ((flags & FLAT_FIRED) != 0) {
                // A stuck value that moves again: the model learnt the stuck value, and its errors while it catches
                // up are the flatline's, not a burst or a level shift (held as after a reported level change).
                sinceChange = 0;
            }
            flags &= ~FLAT_FIRED;
        }
        longestRun *= (float) (1 - 1.0 / REPEAT_MEMORY);
        seen = Math.min(seen + 1, CAP);
        if (spec.flatlineSteps() > 0 && (flags & FLAT_FIRED) == 0 && seen > WARMUP_POINTS
                && run >= Math.max(spec.flatlineSteps(), 2 * longestRun) && repeatShare <= spec.flatlineMaxRepeatShare()) {
            flags |= FLAT_FIRED;
            return AlertReason.FLATLINE;
        }
        return null;
    }

    private AlertReason drift(double value) {
        // seen already counts this point (flatline runs first)
        if (seen == 1) {
            fastLevel = value;
            slowLevel = value;
            spread = 0;
            return null;
        }
        double aFast = Math.max(1.0 / seen, 1.0 / spec.driftSteps()), aSlow = Math.max(1.0 / seen, 1.0 / spec.driftBaselineSteps());
        fastLevel += aFast * (value - fastLevel);
        slowLevel += aSlow * (value - slowLevel);
        double dev = Math.abs(fastLevel - slowLevel);
        boolean warm = seen >= spec.driftBaselineSteps() && spread > 0;
        spread = (float) (spread + aSlow * ((warm ? Math.min(dev, spec.driftZ() * spread) : dev) - spread));
        if (spec.driftZ() > 0 && warm && dev >= spec.driftZ() * spread) {
            slowLevel = fastLevel;
            sinceChange = 0;
            return AlertReason.DRIFT;
        }
        return null;
    }

    /**
     * Whether an anomaly score alone should not open an alert now: within {@code driftSteps} points (a day) of a
     * level shift or drift this key's detectors reported (or of a flatline's end), the new level's first daily highs
     * or lows are new extremes to a novelty score, but not news to whoever got that alert.
     */
    public boolean settling() {
        return sinceChange < spec.driftSteps();
    }

    /**
     * The kind that best explains an anomaly score that passed the threshold on the last point when no detector
     * fired: {@link AlertReason#DRIFT} when the day-long level is at least half the drift threshold away from the
     * long-run one (a drift makes new highs, which the novelty score flags before the drift detector is sure; the
     * long-run level then takes the day-long one, as when the drift detector fires), else null.
     */
    public AlertReason explainScore() {
        if (spec.driftZ() > 0 && seen >= spec.driftBaselineSteps() && spread > 0
                && Math.abs(fastLevel - slowLevel) >= spec.driftZ() / 2 * spread) {
            slowLevel = fastLevel;
            sinceChange = 0;
            return AlertReason.DRIFT;
        }
        return null;
    }

    /**
     * Writes the state (not the spec) at the buffer's position in its byte order, {@value #ENCODED_SIZE} bytes:
     * {@code u8 flags, u8 pending, u16 burstMask, i32 seen, errors, run, sinceChange, f32 typicalError, jump, jumpSigma,
     * repeatShare, longestRun, spread, jumpShare, burstShare, f64 jumpBase, fastLevel, slowLevel, f32 shiftUp,
     * shiftDown, shiftUpSum, shiftDownSum, i32 shiftUpLength, shiftDownLength, f32 changeShare, extremeLogTypical,
     * extremeLogRecent, extremeMax, extremeTailShare, outlierShare, i32 extremes, u8 outlierRun}.
     */
    public void writeTo(ByteBuffer out) {
        out.put((byte) flags).put((byte) pending).putShort((short) burstMask).putInt(seen).putInt(errors).putInt(run)
                .putInt(sinceChange).putFloat(typicalError).putFloat(jump).putFloat(jumpSigma).putFloat(repeatShare).putFloat(longestRun)
                .putFloat(spread).putFloat(jumpShare).putFloat(burstShare).putDouble(jumpBase).putDouble(fastLevel).putDouble(slowLevel)
                .putFloat(shiftUp).putFloat(shiftDown).putFloat(shiftUpSum).putFloat(shiftDownSum)
                .putInt(shiftUpLength).putInt(shiftDownLength).putFloat(changeShare).putFloat(extremeLogTypical)
                .putFloat(extremeLogRecent).putFloat(extremeMax).putFloat(extremeTailShare).putFloat(outlierShare).putInt(extremes)
                .put((byte) outlierRun);
    }

    /** Reads a state {@link #writeTo} wrote; throws IllegalArgumentException for one that cannot be. */
    public static AlertKinds readFrom(Spec spec, ByteBuffer in) {
        return readFrom(spec, in, ENCODED_SIZE);
    }

    /**
     * As {@link #readFrom(Spec, ByteBuffer)} for a state of {@code size} bytes: {@value #ENCODED_SIZE}, or an older
     * layout: {@value #ENCODED_SIZE_V5} bytes written before the window extremes (codec version 5), which then start
     * afresh, {@value #ENCODED_SIZE_V4} bytes written before the level change rate (key state codec version 4),
     * which then starts at 0, or {@value #ENCODED_SIZE_V3} written before the shift CUSUM too (codec version 3),
     * whose sums then start at 0 as well.
     */
    public static AlertKinds readFrom(Spec spec, ByteBuffer in, int size) {
        return readFrom(spec, in, size, null);
    }

    /**
     * As {@link #readFrom(Spec, ByteBuffer, int)}, into {@code into} (cleared first) when it has {@code spec}, else into
     * a new object; returns the one read.
     */
    public static AlertKinds readFrom(Spec spec, ByteBuffer in, int size, AlertKinds into) {
        if (size != ENCODED_SIZE && size != ENCODED_SIZE_V5 && size != ENCODED_SIZE_V4 && size != ENCODED_SIZE_V3) {
            throw new IllegalArgumentException("no alert kinds layout is " + size + " bytes");
        }
        if (in.remaining() < size) {
            throw new IllegalArgumentException("alert kinds state truncated: " + in.remaining() + " of " + size + " bytes");
        }
        AlertKinds k = into != null && into.spec.equals(spec) ? into : new AlertKinds(spec);
        if (k == into) {
            k.clear();
        }
        k.flags = Byte.toUnsignedInt(in.get());
        k.pending = Byte.toUnsignedInt(in.get());
        k.burstMask = Short.toUnsignedInt(in.getShort());
        k.seen = in.getInt();
        k.errors = in.getInt();
        k.run = in.getInt();
        k.sinceChange = in.getInt();
        k.typicalError = in.getFloat();
        k.jump = in.getFloat();
        k.jumpSigma = in.getFloat();
        k.repeatShare = in.getFloat();
        k.longestRun = in.getFloat();
        k.spread = in.getFloat();
        k.jumpShare = in.getFloat();
        k.burstShare = in.getFloat();
        k.jumpBase = in.getDouble();
        k.fastLevel = in.getDouble();
        k.slowLevel = in.getDouble();
        if (size >= ENCODED_SIZE_V4) {
            k.shiftUp = in.getFloat();
            k.shiftDown = in.getFloat();
            k.shiftUpSum = in.getFloat();
            k.shiftDownSum = in.getFloat();
            k.shiftUpLength = in.getInt();
            k.shiftDownLength = in.getInt();
            if (!(k.shiftUp >= 0 && k.shiftDown >= 0) || !Float.isFinite(k.shiftUpSum + k.shiftDownSum)
                    || k.shiftUpLength < 0 || k.shiftDownLength < 0) {
                throw new IllegalArgumentException("corrupt alert kinds state: shift sums " + k.shiftUp + "/" + k.shiftDown
                        + " over " + k.shiftUpLength + "/" + k.shiftDownLength + " points");
            }
        }
        if (size >= ENCODED_SIZE_V5) {
            k.changeShare = in.getFloat();
            if (!(k.changeShare >= 0 && k.changeShare <= 1)) {
                throw new IllegalArgumentException("corrupt alert kinds state: level change rate " + k.changeShare);
            }
        }
        if (size == ENCODED_SIZE) {
            k.extremeLogTypical = in.getFloat();
            k.extremeLogRecent = in.getFloat();
            k.extremeMax = in.getFloat();
            k.extremeTailShare = in.getFloat();
            k.outlierShare = in.getFloat();
            k.extremes = in.getInt();
            k.outlierRun = Byte.toUnsignedInt(in.get());
            if (Float.isInfinite(k.extremeLogTypical) || Float.isInfinite(k.extremeLogRecent) || !(k.extremeMax >= 0) || Float.isInfinite(k.extremeMax)
                    || !(k.extremeTailShare >= 0 && k.extremeTailShare <= 1) || !(k.outlierShare >= 0 && k.outlierShare <= 1)
                    || k.extremes < 0) {
                throw new IllegalArgumentException("corrupt alert kinds state: window extremes " + k.extremeLogTypical + "/"
                        + k.extremeMax + "/" + k.extremeTailShare + "/" + k.outlierShare + " over " + k.extremes);
            }
        }
        // A jump pending under a longer confirmation than the spec's now is decided at its next point.
        k.pending = Math.min(k.pending, spec.confirmSteps());
        if ((k.flags & ~(BURST_ON | FLAT_FIRED | JUMP_BACK | SCORE_HELD | QUIET_JUMP | QUIET_OUTLIERS | NOISY | SEVERAL_RUN)) != 0 || k.seen < 0 || k.errors < 0 || k.run < 0 || k.sinceChange < 0) {
            throw new IllegalArgumentException("corrupt alert kinds state: flags " + k.flags + ", counts " + k.seen + "/" + k.errors + "/" + k.run);
        }
        return k;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AlertKinds k)) {
            return false;
        }
        return spec.equals(k.spec) && flags == k.flags && pending == k.pending && burstMask == k.burstMask && seen == k.seen
                && errors == k.errors && run == k.run && sinceChange == k.sinceChange && Float.compare(typicalError, k.typicalError) == 0
                && Float.compare(jump, k.jump) == 0 && Float.compare(jumpSigma, k.jumpSigma) == 0
                && Float.compare(repeatShare, k.repeatShare) == 0 && Float.compare(longestRun, k.longestRun) == 0
                && Float.compare(spread, k.spread) == 0 && Float.compare(jumpShare, k.jumpShare) == 0
                && Float.compare(burstShare, k.burstShare) == 0 && Double.compare(jumpBase, k.jumpBase) == 0
                && Double.compare(fastLevel, k.fastLevel) == 0 && Double.compare(slowLevel, k.slowLevel) == 0
                && Float.compare(shiftUp, k.shiftUp) == 0 && Float.compare(shiftDown, k.shiftDown) == 0
                && Float.compare(shiftUpSum, k.shiftUpSum) == 0 && Float.compare(shiftDownSum, k.shiftDownSum) == 0
                && shiftUpLength == k.shiftUpLength && shiftDownLength == k.shiftDownLength
                && Float.compare(changeShare, k.changeShare) == 0 && Float.compare(extremeLogTypical, k.extremeLogTypical) == 0
                && Float.compare(extremeLogRecent, k.extremeLogRecent) == 0
                && Float.compare(extremeMax, k.extremeMax) == 0 && Float.compare(extremeTailShare, k.extremeTailShare) == 0
                && Float.compare(outlierShare, k.outlierShare) == 0 && extremes == k.extremes && outlierRun == k.outlierRun;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(seen) * 31 + Float.hashCode(typicalError);
    }
}
