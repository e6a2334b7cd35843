package org.forecaster.core.train;

import org.forecaster.core.model.Stepper;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.state.KeyState;

/**
 * Runs a series through the online {@link Stepper} from its first point, exactly as the model service would,
 * and scores the one-step-ahead predictions of the points in {@code [from, until)} against the naive and
 * seasonal-naive forecasts of the same points. A point right after a missing step is not scored: the one-step
 * prediction the state holds then was made for the missing step (the stepper fills the gap only when the point
 * arrives), and the naive value is older than one step.
 *
 * @param count          points scored (observed, with a prediction and a value one season back)
 * @param modelMae       mean absolute error of the one-step mean the stepper published (the model's, with the
 *                       key's carried error)
 * @param naiveMae       of "the last observed value"
 * @param seasonalNaiveMae of "the value one season earlier"
 * @param coverage       fraction of points inside the model's forecast interval
 */
public record OneStepEvaluation(long count, double modelMae, double naiveMae, double seasonalNaiveMae, double coverage) {

    public static OneStepEvaluation run(Stepper stepper, Series series, int from, int until, int season) {
        if (season < 1 || from < 0 || until > series.length() || from > until) {
            throw new IllegalArgumentException("bad evaluation range [" + from + ", " + until + ") of " + series.length()
                    + " points with season " + season);
        }
        KeyState state = stepper.newState(0);
        float[] v = series.values();
        double model = 0, naive = 0, seasonal = 0;
        long n = 0, inside = 0;
        double mean = Double.NaN, lower = Double.NaN, upper = Double.NaN;
        float last = Float.NaN;
        int lastIndex = -2;
        for (int t = 0; t < until; t++) {
            if (Float.isNaN(v[t])) {
                continue;
            }
            double predicted = mean;
            boolean scorable = t >= from && t >= season && !Float.isNaN(v[t - season]) && !Double.isNaN(predicted)
                    && lastIndex == t - 1;
            if (scorable) {
                n++;
                model += Math.abs(predicted - v[t]);
                naive += Math.abs(last - v[t]);
                seasonal += Math.abs(v[t - season] - v[t]);
                if (v[t] >= lower && v[t] <= upper) {
                    inside++;
                }
            }
            StepResult r = stepper.observe(state, series.timestamp(t), v[t], series.profileValue(t));
            mean = r.mean[0];
            lower = r.lower[0];
            upper = r.upper[0];
            last = v[t];
            lastIndex = t;
        }
        return n == 0 ? new OneStepEvaluation(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN)
                : new OneStepEvaluation(n, model / n, naive / n, seasonal / n, (double) inside / n);
    }
}
