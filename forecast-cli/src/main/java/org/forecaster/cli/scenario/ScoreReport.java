package org.forecaster.cli.scenario;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code scenario score} found; written as JSON with {@code --json} (these records' fields) and as a table.
 *
 * @param inputs   what was read and what was left out
 * @param forecast per horizon, the model's and the baselines' scaled errors on the same points; empty without forecasts
 * @param overall  the mean over horizons of each column (points and coverage pooled); null without forecasts
 * @param excluded series left out of the forecast scores, with the reason
 * @param alerts   the alert scores; null when no anomalies were given
 */
record ScoreReport(Inputs inputs, List<HorizonScore> forecast, HorizonScore overall, List<Excluded> excluded, Alerts alerts) {

    /**
     * @param fitSteps       windows at the start of every series that the baselines are fitted on and the scale is
     *                       computed over; forecasts and false alerts are scored after them
     * @param scoredDays     days after the fitting prefix
     * @param intervalLevels the distinct interval levels the forecasts declared
     */
    record Inputs(int series, String step, int seasonSteps, int fitSteps, double scoredDays, long events,
                  Map<String, Long> rejectedEvents, long forecasts, long coldForecasts, long forecastsOutsideScenario,
                  long duplicateForecasts, List<Double> intervalLevels, long alertTransitions, long alertsOutsideScenario) {}

    /**
     * One horizon. The four error columns are MAE divided by the series' in-sample seasonal-naive MAE, averaged over
     * series; {@code model} is NaN when no forecasts were given (the baselines are then scored at every origin).
     *
     * @param h        steps ahead (0 in the overall row)
     * @param points   (series, origin) pairs scored
     * @param series   series with at least one point
     * @param coverage share of points inside the model's interval
     */
    record HorizonScore(int h, long points, int series, double model, double naive, double seasonalNaive, double holtWinters,
                        double coverage) {
        /** The model's error relative to seasonal naive's (below 1: better). */
        public double modelOverSeasonalNaive() {
            return model / seasonalNaive;
        }
    }

    record Excluded(String series, String reason) {}

    /**
     * @param found            labels with an OPEN alert of their series in their match interval
     * @param medianDelaySteps median over found labels of (first such OPEN - window start) in steps; NaN if none found
     * @param falseAlerts      OPEN alerts after the fitting prefix outside every match interval of their series
     */
    record Alerts(int toleranceSteps, long opens, int labelled, int found, double medianDelaySteps, long falseAlerts,
                  double falseAlertsPerSeriesDay, List<KindScore> byKind, List<LabelResult> labels) {}

    record KindScore(String kind, int labelled, int found, double medianDelaySteps) {}

    /** One label's outcome; {@code delaySteps} is -1 when it was not found. */
    record LabelResult(String series, String kind, String start, String end, boolean found, long delaySteps) {}

    /** The report as a table for people. */
    String text() {
        StringBuilder b = new StringBuilder();
        Inputs in = inputs;
        b.append(format("scored %d series over %.2f days after a %d-window fitting prefix (window %s, season %d windows)%n",
                in.series(), in.scoredDays(), in.fitSteps(), in.step(), in.seasonSteps()));
        b.append(format("events: %d accepted, %d rejected as ingest would%s%n", in.events(),
                in.rejectedEvents().values().stream().mapToLong(Long::longValue).sum(),
                in.rejectedEvents().isEmpty() ? "" : " " + in.rejectedEvents()));
        if (!forecast.isEmpty()) {
            boolean modelGiven = forecast.stream().anyMatch(r -> !Double.isNaN(r.model())) || in.forecasts() > 0;
            if (modelGiven) {
                b.append(format("forecasts: %d read, %d cold left out, %d outside the scenario's series and windows, %d duplicates;"
                                + " interval levels %s%n", in.forecasts(), in.coldForecasts(), in.forecastsOutsideScenario(),
                        in.duplicateForecasts(), in.intervalLevels()));
            }
            b.append(format("%nforecast error: MAE / in-sample seasonal-naive MAE (MASE scale), mean over series, %s%n",
                    modelGiven ? "on the points the model forecast" : "baselines alone at every origin (no forecasts given)"));
            b.append(format("%5s %9s %7s %8s %8s %8s %8s %9s %9s%n", "h", "points", "series", "model", "naive", "s-naive",
                    "holt-w", "model/sn", "coverage"));
            for (HorizonScore s : forecast) {
                row(b, Integer.toString(s.h()), s);
            }
            row(b, "all", overall);
        }
        for (Excluded e : excluded) {
            b.append(format("left out %s: %s%n", e.series(), e.reason()));
        }
        if (alerts != null) {
            Alerts a = alerts;
            b.append(format("%nalerts: %d OPEN (%d transitions read, %d outside the scenario); %d of %d labelled windows found (%s),"
                            + " median delay %s windows; %d false alerts, %.3f per series-day (tolerance %d windows)%n",
                    a.opens(), in.alertTransitions(), in.alertsOutsideScenario(), a.found(), a.labelled(), percent(a.found(), a.labelled()),
                    steps(a.medianDelaySteps()), a.falseAlerts(), a.falseAlertsPerSeriesDay(), a.toleranceSteps()));
            b.append(format("%-16s %9s %6s %7s %14s%n", "kind", "labelled", "found", "recall", "median delay"));
            for (KindScore k : a.byKind()) {
                b.append(format("%-16s %9d %6d %7s %14s%n", k.kind(), k.labelled(), k.found(), percent(k.found(), k.labelled()),
                        steps(k.medianDelaySteps())));
            }
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String h, HorizonScore s) {
        b.append(format("%5s %9d %7d %8s %8s %8s %8s %9s %9s%n", h, s.points(), s.series(), number(s.model()), number(s.naive()),
                number(s.seasonalNaive()), number(s.holtWinters()), number(s.modelOverSeasonalNaive()),
                Double.isNaN(s.coverage()) ? "-" : format("%.1f%%", 100 * s.coverage())));
    }

    private static String number(double x) {
        return Double.isNaN(x) ? "-" : format("%.3f", x);
    }

    /** A median of whole windows: a whole number or a half. */
    private static String steps(double x) {
        return Double.isNaN(x) ? "-" : format("%.1f", x);
    }

    private static String percent(int part, int whole) {
        return whole == 0 ? "-" : format("%.0f%%", 100.0 * part / whole);
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
