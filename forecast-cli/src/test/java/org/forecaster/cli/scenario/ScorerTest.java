package org.forecaster.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.forecaster.core.baseline.HorizonForecasts;
import org.forecaster.core.baseline.SeasonalNaiveForecast;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.WireJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorerTest {
    private static final Duration STEP = Duration.ofMinutes(5);
    private static final int SEASON = 288;
    private static final int FIT = 3 * SEASON;
    private static final int HORIZON = 3;

    @TempDir
    Path dir;

    /** 3 series x 5 days, one anomaly of each kind in the last 2 days, through the CLI. */
    private Path generate(String name, String noise, String lost) {
        Path out = dir.resolve(name);
        ScenarioCli r = ScenarioCli.run("scenario", "generate", "--out", out.toString(), "--series", "3", "--days", "5",
                "--quiet-days", "3", "--anomalies-per-kind", "1", "--noise", noise, "--lost", lost, "--seed", "21");
        assertEquals(0, r.code(), r.err());
        return out;
    }

    private static Scorer.Options options() {
        return new Scorer.Options(SEASON, HORIZON, FIT, 3);
    }

    /** Forecasts at every origin after the fitting prefix, with means from {@code meanOf(series, target window)}. */
    private static List<ForecastRecord> forecasts(WindowedActuals actuals, MeanOf meanOf, double halfWidth) {
        List<ForecastRecord> out = new ArrayList<>();
        for (String series : actuals.series()) {
            for (int origin = FIT; origin < actuals.windows(); origin++) {
                List<ForecastRecord.Step> steps = new ArrayList<>();
                for (int h = 1; h <= HORIZON; h++) {
                    double mean = meanOf.mean(series, origin, h);
                    steps.add(new ForecastRecord.Step(actuals.windowStart(origin).plus(STEP.multipliedBy(h)), mean, mean - halfWidth,
                            mean + halfWidth));
                }
                out.add(new ForecastRecord(series, actuals.windowStart(origin), 0, 1, false, 0.9, steps));
            }
        }
        return out;
    }

    private interface MeanOf {
        double mean(String series, int origin, int h);
    }

    @Test
    void shouldScoreTheNoiselessTruthAtAboutZeroErrorWithFullCoverage() throws IOException {
        Path scn = generate("clean", "0", "0");
        WindowedActuals actuals = WindowedActuals.read(scn.resolve(ScenarioFiles.EVENTS), STEP);
        Map<String, Double> truth = new HashMap<>();
        for (String row : Files.readAllLines(scn.resolve(ScenarioFiles.TRUTH)).subList(1, 1 + 3 * 5 * SEASON)) {
            String[] c = row.split(",", -1);
            truth.put(c[0] + "@" + c[1], c[2].isEmpty() ? Double.NaN : Double.parseDouble(c[2]));
        }
        List<ForecastRecord> perfect = forecasts(actuals, (s, o, h) -> truth.getOrDefault(s + "@" + actuals.windowStart(o + h), Double.NaN), 0.01);
        ScoreReport report = Scorer.score(actuals, perfect, null, ScenarioFiles.readLabels(scn.resolve(ScenarioFiles.LABELS)), options());
        assertEquals(HORIZON, report.forecast().size());
        for (ScoreReport.HorizonScore row : report.forecast()) {
            assertEquals(3, row.series(), row.toString());
            assertTrue(row.points() > 3 * (2 * SEASON - 40), row.toString()); // two days less the silence and the last windows
            assertEquals(0, row.model(), 1e-4, row.toString());
            assertEquals(1.0, row.coverage(), 0.0, row.toString());
            assertTrue(row.seasonalNaive() > 0.5 && row.naive() > 0, row.toString());
        }
        assertTrue(report.excluded().isEmpty(), report.excluded().toString());
    }

    @Test
    void shouldScoreSeasonalNaiveForecastsAtExactlyOneRelativeToSeasonalNaive() throws IOException {
        Path scn = generate("noisy", "0.1", "0.02");
        WindowedActuals actuals = WindowedActuals.read(scn.resolve(ScenarioFiles.EVENTS), STEP);
        Map<String, HorizonForecasts> seasonal = new HashMap<>();
        for (String s : actuals.series()) {
            double[] y = actuals.means(s);
            seasonal.put(s, new SeasonalNaiveForecast(SEASON).fit(y, FIT).walk(y, HORIZON));
        }
        List<ForecastRecord> forecasts = forecasts(actuals, (s, o, h) -> seasonal.get(s).get(o, h), 1.0);
        ScoreReport report = Scorer.score(actuals, forecasts, null, List.of(), options());
        for (ScoreReport.HorizonScore row : report.forecast()) {
            assertEquals(row.seasonalNaive(), row.model(), 0.0, row.toString());
            assertEquals(1.0, row.modelOverSeasonalNaive(), 0.0, row.toString());
            assertTrue(row.holtWinters() < row.seasonalNaive(), "Holt-Winters should beat seasonal naive here: " + row);
        }
        assertEquals(1.0, report.overall().modelOverSeasonalNaive(), 1e-12);
    }

    @Test
    void shouldLeaveOutColdAndForeignForecastsAndCountDuplicates() throws IOException {
        WindowedActuals actuals = WindowedActuals.read(handWrittenEvents(), STEP);
        ForecastRecord.Step step = new ForecastRecord.Step(actuals.windowStart(31), 1, 0, 2);
        List<ForecastRecord> forecasts = List.of(
                new ForecastRecord("a", actuals.windowStart(30), 0, 1, true, 0.9, List.of(step)),
                new ForecastRecord("zzz", actuals.windowStart(30), 0, 1, false, 0.9, List.of(step)),
                new ForecastRecord("a", actuals.windowStart(30).plusSeconds(1), 0, 1, false, 0.9, List.of(step)),
                new ForecastRecord("a", actuals.windowStart(30), 0, 1, false, 0.9, List.of(step)),
                new ForecastRecord("a", actuals.windowStart(30), 0, 1, false, 0.8, List.of(step)));
        ScoreReport report = Scorer.score(actuals, forecasts, null, List.of(), new Scorer.Options(12, 1, 25, 3));
        assertEquals(1, report.inputs().coldForecasts());
        assertEquals(2, report.inputs().forecastsOutsideScenario());
        assertEquals(1, report.inputs().duplicateForecasts());
        assertEquals(List.of(0.8, 0.9), report.inputs().intervalLevels());
        assertEquals(1, report.forecast().get(0).points());
        assertEquals(List.of(new ScoreReport.Excluded("b", "no forecasts")), report.excluded());
    }

    /**
     * Two series "a" and "b", 300 windows of 5 minutes, one event each: a season of 12 windows plus a cycle of 7, so
     * seasonal naive is not exact (its error scales the others).
     */
    private Path handWrittenEvents() throws IOException {
        StringBuilder b = new StringBuilder();
        Instant start = Instant.parse("2024-03-01T00:00:00Z");
        for (int w = 0; w < 300; w++) {
            Instant ts = start.plus(STEP.multipliedBy(w)).plusSeconds(10);
            b.append("{\"series\":\"a\",\"ts\":\"").append(ts).append("\",\"value\":").append(10 + w % 12 + 0.5 * (w % 7)).append("}\n");
            b.append("{\"series\":\"b\",\"ts\":\"").append(ts).append("\",\"value\":").append(20 + (w * 7) % 12 + 0.5 * (w % 7)).append("}\n");
        }
        return Files.writeString(dir.resolve("hand.jsonl"), b, StandardCharsets.UTF_8);
    }

    private static AnomalyRecord alert(String series, Instant ts, AnomalyRecord.State state) {
        return new AnomalyRecord(series, ts, 0, 0, 0, 0, 1, state, 1, "score");
    }

    @Test
    void shouldCountFoundWindowsFalseAlertsAndDelaysOnHandWrittenAlerts() throws IOException {
        WindowedActuals actuals = WindowedActuals.read(handWrittenEvents(), STEP);
        Instant t0 = actuals.windowStart(0);
        java.util.function.IntFunction<Instant> w = k -> t0.plus(STEP.multipliedBy(k));
        List<Label> labels = List.of(
                new Label("a", "spike", w.apply(100).plusSeconds(130), w.apply(100).plusSeconds(130)), // inside window 100
                new Label("b", "level_shift", w.apply(150), w.apply(160)),
                new Label("a", "flatline", w.apply(250), w.apply(270)),
                new Label("b", "spike", w.apply(200), w.apply(200)));
        List<AnomalyRecord> alerts = List.of(
                alert("a", w.apply(101), AnomalyRecord.State.OPEN),      // finds the spike of a, 1 window late
                alert("a", w.apply(102), AnomalyRecord.State.RESOLVED),  // transitions other than OPEN never count
                alert("a", w.apply(104), AnomalyRecord.State.OPEN),      // past the spike's tolerance of 3 windows: false
                alert("b", w.apply(158), AnomalyRecord.State.OPEN),      // inside the level shift's own window: found, delay 8
                alert("b", w.apply(203), AnomalyRecord.State.OPEN),      // at the end of the tolerance after b's spike: found, delay 3
                alert("b", w.apply(10), AnomalyRecord.State.OPEN),       // inside the fitting prefix: neither found nor false
                alert("b", w.apply(230), AnomalyRecord.State.OPEN),      // false
                alert("zzz", w.apply(150), AnomalyRecord.State.OPEN));   // not a series of the events
        ScoreReport report = Scorer.score(actuals, null, alerts, labels, new Scorer.Options(12, 1, 25, 3));
        ScoreReport.Alerts a = report.alerts();
        assertEquals(6, a.opens());
        assertEquals(4, a.labelled());
        assertEquals(3, a.found());
        assertEquals(3.0, a.medianDelaySteps());
        assertEquals(2, a.falseAlerts());
        double seriesDays = 2 * (300 - 25) * 5.0 / (24 * 60);
        assertEquals(2 / seriesDays, a.falseAlertsPerSeriesDay(), 1e-12);
        assertEquals(1, report.inputs().alertsOutsideScenario());
        assertEquals(List.of(new ScoreReport.KindScore("flatline", 1, 0, Double.NaN), new ScoreReport.KindScore("level_shift", 1, 1, 8),
                new ScoreReport.KindScore("spike", 2, 2, 2)), a.byKind());
        assertEquals(List.of(1L, 8L, -1L, 3L), a.labels().stream().map(ScoreReport.LabelResult::delaySteps).toList());
        String text = report.text();
        assertTrue(text.contains("3 of 4 labelled windows found (75%)"), text);
        assertTrue(text.contains("baselines alone at every origin"), text);
    }

    @Test
    void shouldReadAndRejectLabelFilesWithMessagesNamingTheEntry() throws IOException {
        Path good = Files.writeString(dir.resolve("good.json"), """
                [{"series":"web-1.latency","kind":"outage","start":"2024-03-01T10:00:00Z","end":1709290800000,"note":"ignored"}]""");
        assertEquals(List.of(new Label("web-1.latency", "outage", Instant.parse("2024-03-01T10:00:00Z"), Instant.parse("2024-03-01T11:00:00Z"))),
                ScenarioFiles.readLabels(good));
        Path reversed = Files.writeString(dir.resolve("reversed.json"), """
                [{"series":"a","kind":"spike","start":"2024-03-01T10:00:00Z","end":"2024-03-01T10:00:00Z"},
                 {"series":"a","kind":"spike","start":"2024-03-01T10:00:00Z","end":"2024-03-01T09:00:00Z"}]""");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScenarioFiles.readLabels(reversed));
        assertTrue(e.getMessage().contains("reversed.json: label 2") && e.getMessage().contains("before it starts"), e.getMessage());
        Path badTime = Files.writeString(dir.resolve("time.json"), "[{\"series\":\"a\",\"kind\":\"x\",\"start\":\"yesterday\",\"end\":1}]");
        e = assertThrows(IllegalArgumentException.class, () -> ScenarioFiles.readLabels(badTime));
        assertTrue(e.getMessage().contains("label 1: 'start' must be an ISO-8601 instant"), e.getMessage());
    }

    @Test
    void shouldScoreDumpsThroughTheCommandAndWriteJson() throws IOException {
        Path scn = generate("cli", "0.05", "0.01");
        WindowedActuals actuals = WindowedActuals.read(scn.resolve(ScenarioFiles.EVENTS), STEP);
        Path forecastsFile = dir.resolve("forecasts.jsonl");
        StringBuilder lines = new StringBuilder("not a forecast\n");
        for (ForecastRecord f : forecasts(actuals, (s, o, h) -> actuals.means(s)[o], 1.0)) { // naive: the last window's mean
            lines.append(new String(WireJson.write(f), StandardCharsets.UTF_8)).append('\n');
        }
        Files.writeString(forecastsFile, lines);
        Labels firstLabel = new Labels(ScenarioFiles.readLabels(scn.resolve(ScenarioFiles.LABELS)).get(0));
        Path anomaliesFile = Files.writeString(dir.resolve("anomalies.jsonl"),
                new String(WireJson.write(alert(firstLabel.label.series(), firstLabel.windowStart(), AnomalyRecord.State.OPEN)),
                        StandardCharsets.UTF_8) + "\n");
        Path json = dir.resolve("score.json");
        ScenarioCli r = ScenarioCli.run("scenario", "score", "--dir", scn.toString(), "--forecasts", forecastsFile.toString(),
                "--anomalies", anomaliesFile.toString(), "--horizon", "3", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("left out 1 records"), r.err());
        assertTrue(r.out().contains("1 of 6 labelled windows found"), r.out());
        var tree = WireJson.mapper().readTree(json.toFile());
        assertEquals(3, tree.get("forecast").size());
        // The model is naive on the same window means, so its column equals the naive baseline's, up to the float
        // precision the forecasts file carries (issue 18; the baseline is computed in double).
        for (var row : tree.get("forecast")) {
            assertEquals(row.get("naive").doubleValue(), row.get("model").doubleValue(), 1e-6 * row.get("naive").doubleValue(),
                    row.toString());
        }
    }

    /** A label and the start of the window holding its start. */
    private record Labels(Label label) {
        Instant windowStart() {
            long ms = label.start().toEpochMilli();
            return Instant.ofEpochMilli(ms - Math.floorMod(ms, STEP.toMillis()));
        }
    }
}
