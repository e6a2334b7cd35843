package org.forecaster.core.anomaly;

/**
 * When a key's anomaly scores open and resolve an alert: OPEN after {@code openAfter} consecutive scores at or
 * above {@code threshold}, RESOLVED after {@code resolveAfter} consecutive scores below it. Only these two
 * transitions are reported, so one incident is one OPEN and one RESOLVED however long it lasts. No alert opens
 * before the key has observed {@code probationPoints} values ({@link AlertRun#observedValues}, which a weight swap or
 * a long gap does not reset): a score that compares a point with the key's own past needs some past first. The
 * run counter and open flag live in the key's state ({@link AlertRun}), so they survive restarts with the rest of the state.
 *
 * <p>{@code openMinSigmas}: a score opens an alert only on a point at least that many sigmas off its one-step
 * prediction (a point without one is not held back). A novelty says "never seen before", which a trending series
 * or a heavy-tailed one says every few days although the model expected the value; an on-call engineer wants the
 * values the model did not expect. Resolving is unchanged. The model service counts the sigmas as its published
 * intervals do where their calibration widened the model's ({@code PointStep}).
 */
public record AlertRule(double threshold, int openAfter, int resolveAfter, int probationPoints, double openMinSigmas) {
    /**
     * For the Stepper's tail probability {@code 1 - P(|Z| >= |z|)}: a 4-sigma-ish threshold (two-sided tail 1e-4)
     * held for 2 points; resolved after 3 quiet points.
     */
    public static final AlertRule DEFAULT = new AlertRule(0.9999, 2, 3, 0, 0);

    /**
     * For {@link NoveltyScore}: a novelty scores 1 on a single point, so one point at or above 0.97 opens (the
     * threshold NAB's standard profile chose for detect's novelty scores, docs/evaluation.md: every novelty and
     * the tail scores of a surprise above about 300); its echoes (0.5) count as quiet; resolved after 3 quiet points.
     * Not before 288 points (a day of 5-minute points): until a key's ranges have seen a daily cycle, every new
     * daily high or low is a novelty. NAB gives a detector 15 % of each file, at most 750 points, for the same reason.
     * A score opens only 2 sigmas or more off its prediction: chosen by leave-one-category-out cross-validation over
     * NAB's five shared categories as the gate with the most windows alerted at no more than 0.05 false alerts per
     * series-day on the other four (docs/evaluation.md, "Alerts the model did not expect").
     */
    public static final AlertRule NOVELTY_DEFAULT = new AlertRule(0.97, 1, 3, 288, 2);

    /** A rule without a probation or a sigma gate. */
    public AlertRule(double threshold, int openAfter, int resolveAfter) {
        this(threshold, openAfter, resolveAfter, 0, 0);
    }

    /** A rule without a sigma gate. */
    public AlertRule(double threshold, int openAfter, int resolveAfter, int probationPoints) {
        this(threshold, openAfter, resolveAfter, probationPoints, 0);
    }

    public AlertRule {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("alert threshold must be in (0, 1), got " + threshold);
        }
        if (openAfter < 1 || resolveAfter < 1) {
            throw new IllegalArgumentException("alert runs must be >= 1, got open " + openAfter + ", resolve " + resolveAfter);
        }
        if (probationPoints < 0) {
            throw new IllegalArgumentException("alert probation must not be negative, got " + probationPoints);
        }
        if (!(openMinSigmas >= 0) || Double.isInfinite(openMinSigmas)) {
            throw new IllegalArgumentException("alert open-min-sigmas must be >= 0 and finite, got " + openMinSigmas);
        }
    }

    /**
     * Whether a point with this score counts toward opening an alert: at or above the threshold, and at least
     * {@code openMinSigmas} off its prediction ({@code z}: its error in one-step sigmas; NaN without a prediction).
     */
    public boolean opens(double score, double z) {
        return score >= threshold && !(Math.abs(z) < openMinSigmas);
    }

    /** What one score did to the alert of a key. */
    public enum Transition { NONE, OPEN, RESOLVED }

    /** Folds one score into {@code state}'s alert run and reports a transition, if any; as if no prediction was made. */
    public Transition update(AlertRun state, double score) {
        return update(state, score, Double.NaN);
    }

    /** Folds one score, of a point {@code z} one-step sigmas off its prediction, into {@code state}'s alert run. */
    public Transition update(AlertRun state, double score, double z) {
        boolean high = state.alertOpen() ? score >= threshold : opens(score, z);
        if (!state.alertOpen() && state.observedValues() < probationPoints) {
            state.anomalyRun(0);
            return Transition.NONE;
        }
        if (!state.alertOpen()) {
            state.anomalyRun(high ? state.anomalyRun() + 1 : 0);
            if (state.anomalyRun() >= openAfter) {
                state.alertOpen(true);
                state.anomalyRun(0);
                return Transition.OPEN;
            }
        } else {
            state.anomalyRun(high ? 0 : state.anomalyRun() + 1);
            if (state.anomalyRun() >= resolveAfter) {
                state.alertOpen(false);
                state.anomalyRun(0);
                return Transition.RESOLVED;
            }
        }
        return Transition.NONE;
    }
}
