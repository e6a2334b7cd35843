package org.forecaster.core.online;

import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.AnomalyScorer;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;

/**
 * Observes one point of a key and scores it: the per-point path of both {@code forecast detect} and the model
 * service (issue 4, 6), so that detect's offline NAB figures describe the service's scores. A caller decides
 * beforehand which points are stepped at all (neither steps a duplicate or late point) and afterwards what a score
 * means (detect writes it, the service feeds warm keys' scores to its {@link AlertRule}).
 */
public final class ScoredStep {
    private ScoredStep() {}

    /**
     * Advances {@code state} by the point with {@link Stepper#observe} and scores it with {@code scorer} against the
     * one-step prediction made before it (NaN when there was none: a new key or one just reset by a long gap; the
     * scorer still folds the point in) and the value {@code seasonSteps} steps before it, read from the key's ring
     * before the point enters it. Returns the stepper's reused result with {@link StepResult#score} replaced by the
     * scorer's score; the scorer's state is the key's, so it must be the one used for every earlier point of the key.
     */
    public static StepResult observe(Stepper stepper, KeyState state, AnomalyScorer scorer, int seasonSteps, long timestamp,
                                     double value) {
        return observe(stepper, state, scorer, seasonSteps, timestamp, value, value);
    }

    /**
     * As {@link #observe(Stepper, KeyState, AnomalyScorer, int, long, double)}, the model stepping {@code value} (a
     * window's mean, which it forecasts) and the scorer judging {@code judged} (the window's trimmed mean, which one
     * wild scrape does not move), which the key's seasonal profile also learns.
     */
    public static StepResult observe(Stepper stepper, KeyState state, AnomalyScorer scorer, int seasonSteps, long timestamp,
                                     double value, double judged) {
        double seasonal = stepper.valueOneSeasonBefore(state, timestamp, seasonSteps);
        double seasonalForecast = stepper.profileForecast(state, timestamp);
        StepResult r = stepper.observe(state, timestamp, value, judged);
        r.score = r.scored ? scorer.update(r.expected, r.sigma, judged, seasonal, seasonalForecast)
                : scorer.update(Double.NaN, Double.NaN, judged, seasonal, seasonalForecast);
        return r;
    }

    /**
     * The season in steps of a series with step {@code stepMillis} whose keys remember {@code ringCapacity} inputs:
     * the season divided by the step when it divides evenly, spans at least 2 steps and fits the ring (the seasonal
     * value is read from it); otherwise 0, no seasonal reference.
     */
    public static int seasonSteps(long seasonMillis, long stepMillis, int ringCapacity) {
        if (seasonMillis < 0 || stepMillis <= 0) {
            throw new IllegalArgumentException("need a season >= 0 and a positive step, got " + seasonMillis + " and "
                    + stepMillis + " ms");
        }
        if (seasonMillis == 0 || seasonMillis % stepMillis != 0) {
            return 0;
        }
        long steps = seasonMillis / stepMillis;
        return steps >= 2 && steps <= ringCapacity ? (int) steps : 0;
    }
}
