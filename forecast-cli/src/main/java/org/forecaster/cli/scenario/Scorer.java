package org.forecaster.cli.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.forecaster.cli.DurationConverter;
import org.forecaster.core.baseline.Baseline;
import org.forecaster.core.baseline.Baselines;
import org.forecaster.core.baseline.HoltWinters;
import org.forecaster.core.baseline.HorizonForecasts;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastRecord;

/**
 * Scores a system's forecasts and alerts against a scenario's window means and labels (see the README's
 * {@code scenario} section for the definitions). Pure: everything comes in as arguments.
 */
final class Scorer {
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

    /**
     * @param seasonSteps    windows per season, for seasonal naive, Holt-Winters and the MASE scale
     * @param horizon        steps ahead to score; 0: the longest forecast given (12 without forecasts)
     * @param fitSteps       the fitting prefix in windows
     * @param toleranceSteps an OPEN this many windows after a label's start still finds it, however short the label
     */
    record Options(int seasonSteps, int horizon, int fitSteps, int toleranceSteps) {
        Options {
            if (seasonSteps < 2) {
                throw new IllegalArgumentException("the season must span at least 2 windows, got " + seasonSteps);
            }
            if (horizon < 0) {
                throw new IllegalArgumentException("horizon must be >= 1 step, got " + horizon);
            }
            if (fitSteps < HoltWinters.minimumFitLength(seasonSteps)) {
                throw new IllegalArgumentException("the fitting prefix of " + fitSteps + " windows is too short: Holt-Winters needs two"
                        + " seasons and one more window (" + HoltWinters.minimumFitLength(seasonSteps) + ")");
            }
            if (toleranceSteps < 0) {
                throw new IllegalArgumentException("tolerance must be >= 0 windows, got " + toleranceSteps);
            }
        }
    }

    private Scorer() {}

    /**
     * @param forecasts null when none were given (the baselines are then scored at every origin); cold ones are left out
     * @param alerts    null when none were given
     */
    static ScoreReport score(WindowedActuals actuals, List<ForecastRecord> forecasts, List<AnomalyRecord> alerts, List<Label> labels,
                             Options options) {
        if (options.fitSteps() >= actuals.windows()) {
            throw new IllegalArgumentException("the fitting prefix of " + options.fitSteps() + " windows leaves nothing to score: the events"
                    + " span " + actuals.windows() + " windows");
        }
        int horizon = options.horizon() > 0 ? options.horizon()
                : forecasts == null ? 12 : forecasts.stream().mapToInt(f -> f.steps().size()).max().orElse(12);
        ModelForecasts model = forecasts == null ? null : ModelForecasts.of(actuals, forecasts, horizon);
        List<ScoreReport.Excluded> excluded = new ArrayList<>();
        List<ScoreReport.HorizonScore> rows = forecastScores(actuals, model, horizon, options, excluded);
        double scoredDays = (double) (actuals.windows() - options.fitSteps()) * actuals.stepMillis() / DAY_MILLIS;
        ScoreReport.Alerts alertScores = alerts == null ? null : alertScores(actuals, alerts, labels, options, scoredDays);
        long outsideAlerts = alerts == null ? 0 : alerts.stream().filter(a -> !actuals.has(a.series())).count();
        ScoreReport.Inputs inputs = new ScoreReport.Inputs(actuals.series().size(), DurationConverter.format(Duration.ofMillis(actuals.stepMillis())),
                options.seasonSteps(), options.fitSteps(), scoredDays, actuals.acceptedEvents(), actuals.rejectedByReason(),
                forecasts == null ? 0 : forecasts.size(), model == null ? 0 : model.cold, model == null ? 0 : model.outside,
                model == null ? 0 : model.duplicates, model == null ? List.of() : List.copyOf(model.levels),
                alerts == null ? 0 : alerts.size(), outsideAlerts);
        return new ScoreReport(inputs, rows, rows.isEmpty() ? null : overall(rows), excluded, alertScores);
    }

    /** The model's forecast means and bounds per series, indexed {@code [origin * horizon + h - 1]}, NaN where none. */
    private static final class ModelForecasts {
        final Map<String, double[][]> bySeries = new HashMap<>(); // {mean, lower, upper}
        final TreeSet<Double> levels = new TreeSet<>();
        long cold, outside, duplicates;

        static ModelForecasts of(WindowedActuals actuals, List<ForecastRecord> forecasts, int horizon) {
            ModelForecasts m = new ModelForecasts();
            int n = actuals.windows();
            for (ForecastRecord f : forecasts) {
                if (f.cold()) {
                    m.cold++;
                    continue;
                }
                int origin = f.observedTs() == null || !actuals.has(f.series()) ? -1 : actuals.windowOf(f.observedTs());
                if (origin < 0) {
                    m.outside++;
                    continue;
                }
                double[][] arrays = m.bySeries.computeIfAbsent(f.series(), s -> {
                    double[][] a = new double[3][n * horizon];
                    for (double[] x : a) {
                        Arrays.fill(x, Double.NaN);
                    }
                    return a;
                });
                if (!Double.isNaN(arrays[0][origin * horizon])) {
                    m.duplicates++; // the later record wins, as a compacted topic would keep it
                }
                m.levels.add(f.level());
                for (ForecastRecord.Step step : f.steps()) {
                    long h = step.ts() == null ? -1
                            : (step.ts().toEpochMilli() - f.observedTs().toEpochMilli()) / actuals.stepMillis();
                    if (h >= 1 && h <= horizon && origin + h < n) {
                        int at = (int) (origin * horizon + h - 1);
                        arrays[0][at] = step.mean();
                        arrays[1][at] = step.lower();
                        arrays[2][at] = step.upper();
                    }
                }
            }
            return m;
        }
    }

    private static List<ScoreReport.HorizonScore> forecastScores(WindowedActuals actuals, ModelForecasts model, int horizon,
                                                                 Options options, List<ScoreReport.Excluded> excluded) {
        int n = actuals.windows();
        int fit = options.fitSteps();
        // Per horizon: sums over series of each column's scaled MAE, series counted, points, points inside the interval.
        double[][] scaledSums = new double[4][horizon];
        int[] seriesCounted = new int[horizon];
        long[] points = new long[horizon];
        long[] inside = new long[horizon];
        for (String series : actuals.series()) {
            double[] y = actuals.means(series);
            double scale = Baselines.seasonalNaiveScale(y, fit, options.seasonSteps());
            if (!(scale > 0)) {
                excluded.add(new ScoreReport.Excluded(series, "its in-sample seasonal-naive MAE is " + scale + ", which scales nothing"));
                continue;
            }
            HorizonForecasts[] baselines = new HorizonForecasts[3];
            try {
                List<Baseline> standard = Baselines.standard(options.seasonSteps());
                for (int b = 0; b < 3; b++) {
                    baselines[b] = standard.get(b).fit(y, fit).walk(y, horizon);
                }
            } catch (IllegalArgumentException e) {
                excluded.add(new ScoreReport.Excluded(series, e.getMessage()));
                continue;
            }
            double[][] m = model == null ? null : model.bySeries.get(series);
            if (model != null && m == null) {
                excluded.add(new ScoreReport.Excluded(series, "no forecasts"));
                continue;
            }
            for (int h = 1; h <= horizon; h++) {
                double[] sums = new double[4];
                long count = 0, in = 0;
                for (int origin = fit; origin + h < n; origin++) {
                    double actual = y[origin + h];
                    double mean = m == null ? 0 : m[0][origin * horizon + h - 1];
                    double naive = baselines[0].get(origin, h), seasonal = baselines[1].get(origin, h), hw = baselines[2].get(origin, h);
                    if (Double.isNaN(actual) || Double.isNaN(mean) || Double.isNaN(naive) || Double.isNaN(seasonal) || Double.isNaN(hw)) {
                        continue;
                    }
                    count++;
                    sums[0] += Math.abs(mean - actual);
                    sums[1] += Math.abs(naive - actual);
                    sums[2] += Math.abs(seasonal - actual);
                    sums[3] += Math.abs(hw - actual);
                    if (m != null && actual >= m[1][origin * horizon + h - 1] && actual <= m[2][origin * horizon + h - 1]) {
                        in++;
                    }
                }
                if (count > 0) {
                    for (int c = 0; c < 4; c++) {
                        scaledSums[c][h - 1] += sums[c] / count / scale;
                    }
                    seriesCounted[h - 1]++;
                    points[h - 1] += count;
                    inside[h - 1] += in;
                }
            }
        }
        List<ScoreReport.HorizonScore> rows = new ArrayList<>();
        for (int h = 1; h <= horizon; h++) {
            int k = seriesCounted[h - 1];
            rows.add(new ScoreReport.HorizonScore(h, points[h - 1], k,
                    model == null || k == 0 ? Double.NaN : scaledSums[0][h - 1] / k,
                    k == 0 ? Double.NaN : scaledSums[1][h - 1] / k, k == 0 ? Double.NaN : scaledSums[2][h - 1] / k,
                    k == 0 ? Double.NaN : scaledSums[3][h - 1] / k,
                    model == null || points[h - 1] == 0 ? Double.NaN : (double) inside[h - 1] / points[h - 1]));
        }
        return rows;
    }

    /** Mean of each error column over the horizons that have points; points summed, coverage pooled. */
    private static ScoreReport.HorizonScore overall(List<ScoreReport.HorizonScore> rows) {
        List<ScoreReport.HorizonScore> scored = rows.stream().filter(r -> r.points() > 0).toList();
        long points = scored.stream().mapToLong(ScoreReport.HorizonScore::points).sum();
        double covered = scored.stream().mapToDouble(r -> r.coverage() * r.points()).sum();
        return new ScoreReport.HorizonScore(0, points, scored.stream().mapToInt(ScoreReport.HorizonScore::series).max().orElse(0),
                mean(scored, ScoreReport.HorizonScore::model), mean(scored, ScoreReport.HorizonScore::naive),
                mean(scored, ScoreReport.HorizonScore::seasonalNaive), mean(scored, ScoreReport.HorizonScore::holtWinters),
                points == 0 ? Double.NaN : covered / points);
    }

    private static double mean(List<ScoreReport.HorizonScore> rows, ToDoubleFunction<ScoreReport.HorizonScore> column) {
        return rows.isEmpty() ? Double.NaN : rows.stream().mapToDouble(column).average().orElse(Double.NaN);
    }

    /**
     * A label is found by an OPEN of its series whose window start lies in its match interval: from the start of the
     * window holding the label's start to the later of the window holding its end and {@code toleranceSteps} windows
     * after the start. OPENs after the fitting prefix outside every match interval of their series are false alerts.
     */
    private static ScoreReport.Alerts alertScores(WindowedActuals actuals, List<AnomalyRecord> alerts, List<Label> labels,
                                                  Options options, double scoredDays) {
        long step = actuals.stepMillis();
        Map<String, List<Long>> opensBySeries = new HashMap<>();
        long opens = 0;
        for (AnomalyRecord a : alerts) {
            if (a.state() == AnomalyRecord.State.OPEN && a.ts() != null && actuals.has(a.series())) {
                opensBySeries.computeIfAbsent(a.series(), s -> new ArrayList<>()).add(a.ts().toEpochMilli());
                opens++;
            }
        }
        opensBySeries.values().forEach(l -> l.sort(Comparator.naturalOrder()));
        Map<String, List<long[]>> intervalsBySeries = new HashMap<>();
        List<ScoreReport.LabelResult> results = new ArrayList<>();
        Map<String, List<Long>> delaysByKind = new TreeMap<>();
        Map<String, int[]> countsByKind = new TreeMap<>(); // {labelled, found}
        List<Long> delays = new ArrayList<>();
        for (Label label : labels) {
            long from = Math.floorDiv(label.start().toEpochMilli(), step) * step;
            long to = Math.max(Math.floorDiv(label.end().toEpochMilli(), step) * step, from + options.toleranceSteps() * step);
            intervalsBySeries.computeIfAbsent(label.series(), s -> new ArrayList<>()).add(new long[] {from, to});
            Long first = opensBySeries.getOrDefault(label.series(), List.of()).stream().filter(t -> t >= from && t <= to).findFirst().orElse(null);
            long delay = first == null ? -1 : (first - from) / step;
            int[] counts = countsByKind.computeIfAbsent(label.kind(), k -> new int[2]);
            counts[0]++;
            if (first != null) {
                counts[1]++;
                delays.add(delay);
                delaysByKind.computeIfAbsent(label.kind(), k -> new ArrayList<>()).add(delay);
            }
            results.add(new ScoreReport.LabelResult(label.series(), label.kind(), label.start().toString(), label.end().toString(),
                    first != null, delay));
        }
        long scoredFrom = actuals.gridStartMillis() + options.fitSteps() * step;
        long falseAlerts = 0;
        for (Map.Entry<String, List<Long>> e : opensBySeries.entrySet()) {
            List<long[]> intervals = intervalsBySeries.getOrDefault(e.getKey(), List.of());
            for (long t : e.getValue()) {
                if (t >= scoredFrom && intervals.stream().noneMatch(i -> t >= i[0] && t <= i[1])) {
                    falseAlerts++;
                }
            }
        }
        List<ScoreReport.KindScore> byKind = new ArrayList<>();
        countsByKind.forEach((kind, c) -> byKind.add(new ScoreReport.KindScore(kind, c[0], c[1], median(delaysByKind.getOrDefault(kind, List.of())))));
        double seriesDays = actuals.series().size() * scoredDays;
        return new ScoreReport.Alerts(options.toleranceSteps(), opens, labels.size(), delays.size(), median(delays), falseAlerts,
                seriesDays > 0 ? falseAlerts / seriesDays : Double.NaN, byKind, results);
    }

    static double median(List<Long> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2.0;
    }
}
