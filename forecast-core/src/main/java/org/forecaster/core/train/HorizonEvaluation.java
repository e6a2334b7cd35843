package org.forecaster.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.forecaster.core.baseline.Baseline;
import org.forecaster.core.baseline.Baselines;
import org.forecaster.core.baseline.FittedBaseline;
import org.forecaster.core.baseline.HorizonForecasts;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;

/**
 * Multi-horizon scores of a model against baselines over many series (issue 15), beside {@link OneStepEvaluation}.
 * Each series is run through the model from its first point exactly as the model service does ({@link #of(Stepper)}),
 * and the K-step forecast made at every observed origin is kept. The targets scored are the observed steps in the
 * held-back range {@code [from, until)}, at each of the given horizons h (target {@code t + h} for origin {@code t};
 * the origin may lie before {@code from}). The baselines are fitted on the prefix {@code [0, from)} and walked over
 * {@code [0, until)}. A pair (origin, horizon) counts only when the actual value, the model's forecast and every
 * baseline's forecast are all present, so model and baselines are scored on exactly the same pairs.
 *
 * <p>Each series' mean absolute errors are divided by its in-sample seasonal-naive MAE over {@code [0, from)}
 * ({@link Baselines#seasonalNaiveScale}, the M4 MASE scale) and the ratios are averaged over series, so every series
 * weighs the same whatever its units. A series without a usable scale (NaN: too short for one season; 0: it repeats
 * itself exactly) is left out of the MASE figures and counted in {@link #unscaledSeries}; its pairs still count for
 * coverage, which is pooled over all pairs.
 *
 * <p>A baseline that cannot be fitted on a series (Holt-Winters needs two seasons and one more step before
 * {@code from}) is left out for that series only: its pairs then do not need that baseline's forecast, the
 * baseline's figures average over the series it was fitted on ({@link BaselineScore#series}), and
 * {@link BaselineScore#modelMase} gives the model's MASE over those same series, the figure to compare it with.
 *
 * @param horizons       the horizons scored, ascending
 * @param series         series with a MASE figure (scaled, at least one pair)
 * @param unscaledSeries series with pairs but no usable scale, left out of the MASE figures
 * @param pairs          pairs per horizon, over all series
 * @param mase           the model's MASE per horizon, averaged over the {@code series}; NaN where none had a pair
 * @param coverage       per horizon, the fraction of pairs whose actual lies inside the model's interval (bounds
 *                       included), pooled over all series; NaN where there was no pair
 * @param baselines      per baseline, in the order given
 */
public record HorizonEvaluation(List<Integer> horizons, int series, int unscaledSeries, List<Long> pairs, List<Double> mase,
                                List<Double> coverage, List<BaselineScore> baselines) {

    public HorizonEvaluation {
        horizons = List.copyOf(horizons);
        pairs = List.copyOf(pairs);
        mase = List.copyOf(mase);
        coverage = List.copyOf(coverage);
        baselines = List.copyOf(baselines);
    }

    /**
     * One baseline's figures.
     *
     * @param name      the baseline's {@link Baseline#name()}
     * @param series    series it was fitted on and scored (scaled, at least one pair)
     * @param mase      its MASE per horizon over those series
     * @param modelMase the model's MASE per horizon over the same series and pairs (equal to the overall
     *                  {@link HorizonEvaluation#mase} when the baseline was fitted on every series)
     */
    public record BaselineScore(String name, int series, List<Double> mase, List<Double> modelMase) {
        public BaselineScore {
            mase = List.copyOf(mase);
            modelMase = List.copyOf(modelMase);
        }
    }

    /** The model's MASE at horizon {@code h}; NaN if {@code h} was not scored. */
    public double mase(int h) {
        int i = horizons.indexOf(h);
        return i < 0 ? Double.NaN : mase.get(i);
    }

    /** The model's interval coverage at horizon {@code h}; NaN if {@code h} was not scored. */
    public double coverage(int h) {
        int i = horizons.indexOf(h);
        return i < 0 ? Double.NaN : coverage.get(i);
    }

    /** The figures of the baseline called {@code name}, or null when it was not evaluated. */
    public BaselineScore baseline(String name) {
        return baselines.stream().filter(b -> b.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * The model side of the evaluation: observes a series' points one by one (in time order, missing steps
     * skipped) and gives the K-step forecast made at each. {@link #of(Stepper)} adapts the online path; tests may
     * supply a model whose forecasts they know.
     */
    public interface OnlineModel {
        /** K: forecasts cover steps {@code t + 1 .. t + K}. */
        int horizon();

        /**
         * Observes the point {@code (timestamp, value)} and writes the forecasts of the next K steps: element
         * {@code h - 1} of each array is the mean and interval bounds of step {@code t + h}, raw units.
         * {@code profileValue} is what a seasonal profile learns of the point ({@link Series#profileValue}).
         */
        void observe(long timestamp, double value, double profileValue, double[] mean, double[] lower, double[] upper);
    }

    /** The online {@link Stepper} with a fresh key state, as the model service starts a new key. */
    public static OnlineModel of(Stepper stepper) {
        KeyState state = stepper.newState(0);
        int k = stepper.model().spec().horizon();
        return new OnlineModel() {
            @Override
            public int horizon() {
                return k;
            }

            @Override
            public void observe(long timestamp, double value, double profileValue, double[] mean, double[] lower,
                                double[] upper) {
                StepResult r = stepper.observe(state, timestamp, value, profileValue);
                System.arraycopy(r.mean, 0, mean, 0, k);
                System.arraycopy(r.lower, 0, lower, 0, k);
                System.arraycopy(r.upper, 0, upper, 0, k);
            }
        };
    }

    /**
     * One series' sums over its pairs; combine many with {@link #combine}.
     *
     * @param id        series id
     * @param scale     in-sample seasonal-naive MAE of {@code [0, from)}; NaN or 0 when unusable
     * @param pairs     pairs per horizon (index as the horizons)
     * @param modelMae  the model's MAE per horizon over the pairs (NaN without pairs)
     * @param inside    pairs per horizon whose actual lay inside the model's interval
     * @param fitted    per baseline (in the order given), whether it could be fitted on this series
     * @param baselineMae per baseline, its MAE per horizon over the same pairs (NaN when not fitted or no pairs)
     */
    public record SeriesScore(String id, double scale, long[] pairs, double[] modelMae, long[] inside, boolean[] fitted,
                              double[][] baselineMae) {}

    /**
     * Scores one series.
     *
     * @param model     a model that has seen nothing yet (a fresh state)
     * @param horizons  distinct horizons in {@code [1, model.horizon()]}
     * @param baselines the references, fitted on {@code [0, from)}
     * @param season    season of the MASE scale, steps
     * @throws IllegalArgumentException for a range outside the series, {@code from < 1}, or a bad horizon
     */
    public static SeriesScore score(OnlineModel model, Series series, int from, int until, int[] horizons,
                                    List<Baseline> baselines, int season) {
        int k = model.horizon();
        checkHorizons(horizons, k);
        if (from < 1 || until > series.length() || from > until || season < 1) {
            throw new IllegalArgumentException("bad evaluation range [" + from + ", " + until + ") of " + series.length()
                    + " points with season " + season + " (from must be >= 1: baselines fit on [0, from))");
        }
        double[] v = Arrays.copyOf(Baselines.toDoubles(series.values()), until); // nothing past the range is looked at
        int maxH = Arrays.stream(horizons).max().orElse(1);
        int nb = baselines.size();
        HorizonForecasts[] walks = new HorizonForecasts[nb];
        boolean[] fitted = new boolean[nb];
        for (int b = 0; b < nb; b++) {
            try {
                FittedBaseline f = baselines.get(b).fit(v, from);
                walks[b] = f.walk(v, maxH);
                fitted[b] = true;
            } catch (IllegalArgumentException tooShort) {
                // The Baseline contract: the prefix is too short for it (Holt-Winters' two seasons). This series is
                // scored without it; the figures count the series each baseline covered.
                fitted[b] = false;
            }
        }
        int nh = horizons.length;
        long[] pairs = new long[nh], inside = new long[nh];
        double[] modelSum = new double[nh];
        double[][] baseSum = new double[nb][nh];
        double[] mean = new double[k], lower = new double[k], upper = new double[k];
        double[] baseForecast = new double[nb];
        int firstOrigin = Math.max(0, from - maxH);
        for (int t = 0; t < until - 1; t++) {
            if (Double.isNaN(v[t])) {
                continue; // the service forecasts only when a point arrives
            }
            model.observe(series.timestamp(t), v[t], series.profileValue(t), mean, lower, upper);
            if (t < firstOrigin) {
                continue;
            }
            for (int i = 0; i < nh; i++) {
                int h = horizons[i], target = t + h;
                if (target < from || target >= until || Double.isNaN(v[target]) || Double.isNaN(mean[h - 1])) {
                    continue;
                }
                boolean all = true;
                for (int b = 0; b < nb && all; b++) {
                    baseForecast[b] = fitted[b] ? walks[b].get(t, h) : 0;
                    all = !Double.isNaN(baseForecast[b]);
                }
                if (!all) {
                    continue;
                }
                double actual = v[target];
                pairs[i]++;
                modelSum[i] += Math.abs(mean[h - 1] - actual);
                if (actual >= lower[h - 1] && actual <= upper[h - 1]) {
                    inside[i]++;
                }
                for (int b = 0; b < nb; b++) {
                    baseSum[b][i] += Math.abs(baseForecast[b] - actual);
                }
            }
        }
        double[] modelMae = new double[nh];
        double[][] baselineMae = new double[nb][nh];
        for (int i = 0; i < nh; i++) {
            modelMae[i] = pairs[i] == 0 ? Double.NaN : modelSum[i] / pairs[i];
            for (int b = 0; b < nb; b++) {
                baselineMae[b][i] = pairs[i] == 0 || !fitted[b] ? Double.NaN : baseSum[b][i] / pairs[i];
            }
        }
        double scale = Baselines.seasonalNaiveScale(v, from, season);
        return new SeriesScore(series.id(), scale, pairs, modelMae, inside, fitted, baselineMae);
    }

    /**
     * Averages per-series scores made with the same {@code horizons} and baselines (named {@code baselineNames}, in
     * that order) into the figures described on the class.
     */
    public static HorizonEvaluation combine(int[] horizons, List<String> baselineNames, List<SeriesScore> scores) {
        int nh = horizons.length, nb = baselineNames.size();
        long[] pairs = new long[nh], inside = new long[nh];
        double[] modelSum = new double[nh];
        int[] modelN = new int[nh];
        double[][] baseSum = new double[nb][nh], baseModelSum = new double[nb][nh];
        int[][] baseN = new int[nb][nh];
        int[] baseSeries = new int[nb];
        int series = 0, unscaled = 0;
        for (SeriesScore s : scores) {
            if (s.pairs().length != nh || s.fitted().length != nb) {
                throw new IllegalArgumentException("series " + s.id() + " was scored at " + s.pairs().length + " horizons and "
                        + s.fitted().length + " baselines, expected " + nh + " and " + nb);
            }
            boolean any = false;
            for (int i = 0; i < nh; i++) {
                pairs[i] += s.pairs()[i];
                inside[i] += s.inside()[i];
                any |= s.pairs()[i] > 0;
            }
            if (!any) {
                continue;
            }
            if (!(s.scale() > 0) || Double.isInfinite(s.scale())) {
                unscaled++;
                continue;
            }
            series++;
            for (int i = 0; i < nh; i++) {
                if (s.pairs()[i] == 0) {
                    continue;
                }
                double m = s.modelMae()[i] / s.scale();
                modelSum[i] += m;
                modelN[i]++;
                for (int b = 0; b < nb; b++) {
                    if (s.fitted()[b]) {
                        baseSum[b][i] += s.baselineMae()[b][i] / s.scale();
                        baseModelSum[b][i] += m;
                        baseN[b][i]++;
                    }
                }
            }
            for (int b = 0; b < nb; b++) {
                if (s.fitted()[b]) {
                    baseSeries[b]++;
                }
            }
        }
        List<Integer> hs = new ArrayList<>(nh);
        List<Long> ps = new ArrayList<>(nh);
        List<Double> mase = new ArrayList<>(nh), coverage = new ArrayList<>(nh);
        for (int i = 0; i < nh; i++) {
            hs.add(horizons[i]);
            ps.add(pairs[i]);
            mase.add(modelN[i] == 0 ? Double.NaN : modelSum[i] / modelN[i]);
            coverage.add(pairs[i] == 0 ? Double.NaN : (double) inside[i] / pairs[i]);
        }
        List<BaselineScore> bs = new ArrayList<>(nb);
        for (int b = 0; b < nb; b++) {
            List<Double> bm = new ArrayList<>(nh), mm = new ArrayList<>(nh);
            for (int i = 0; i < nh; i++) {
                bm.add(baseN[b][i] == 0 ? Double.NaN : baseSum[b][i] / baseN[b][i]);
                mm.add(baseN[b][i] == 0 ? Double.NaN : baseModelSum[b][i] / baseN[b][i]);
            }
            bs.add(new BaselineScore(baselineNames.get(b), baseSeries[b], bm, mm));
        }
        return new HorizonEvaluation(hs, series, unscaled, ps, mase, coverage, bs);
    }

    /**
     * The horizons of {@code wanted} that a model forecasting {@code k} steps ahead can be scored at, ascending and
     * distinct (longer ones are dropped).
     */
    public static int[] clip(List<Integer> wanted, int k) {
        return wanted.stream().mapToInt(Integer::intValue).filter(h -> h >= 1 && h <= k).distinct().sorted().toArray();
    }

    private static void checkHorizons(int[] horizons, int k) {
        if (horizons.length == 0) {
            throw new IllegalArgumentException("no horizon to score");
        }
        for (int i = 0; i < horizons.length; i++) {
            if (horizons[i] < 1 || horizons[i] > k || (i > 0 && horizons[i] <= horizons[i - 1])) {
                throw new IllegalArgumentException("horizons must be ascending, distinct and in [1, " + k + "], got "
                        + Arrays.toString(horizons));
            }
        }
    }
}
