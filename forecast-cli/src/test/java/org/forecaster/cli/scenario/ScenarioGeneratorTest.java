package org.forecaster.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioGeneratorTest {
    @TempDir
    Path dir;

    /** 4 series x 6 days, one anomaly of each kind after 2 quiet days: about 35k events. */
    private static ScenarioSpec spec(long seed, int anomaliesPerKind, double noise, double lost, int malformed) {
        return new ScenarioSpec(seed, 4, 6, Instant.parse("2024-01-01T00:00:00Z"), Duration.ofMinutes(1), Duration.ofMinutes(5), "scn-",
                noise, 3, lost, malformed, anomaliesPerKind, List.of(AnomalyKind.values()), 2, 1.0);
    }

    private static String events(ScenarioGenerator g) throws IOException {
        StringWriter w = new StringWriter();
        g.writeEvents(w);
        return w.toString();
    }

    @Test
    void shouldWriteTheSameFilesForTheSameSeedAndOtherEventsForAnotherSeed() throws IOException {
        String[] common = {"--series", "3", "--days", "4", "--quiet-days", "2", "--anomalies-per-kind", "1"};
        for (String run : List.of("a", "b", "c")) {
            List<String> args = new ArrayList<>(List.of("scenario", "generate", "--out", dir.resolve(run).toString(),
                    "--seed", run.equals("c") ? "8" : "7"));
            args.addAll(List.of(common));
            ScenarioCli r = ScenarioCli.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("3 series x 4 days"), r.out());
        }
        for (String file : List.of(ScenarioFiles.EVENTS, ScenarioFiles.TRUTH, ScenarioFiles.LABELS, ScenarioFiles.SCENARIO)) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(file)), Files.readAllBytes(dir.resolve("b").resolve(file)), file);
        }
        assertFalse(Arrays.equals(Files.readAllBytes(dir.resolve("a").resolve(ScenarioFiles.EVENTS)),
                Files.readAllBytes(dir.resolve("c").resolve(ScenarioFiles.EVENTS))));
        String scenario = Files.readString(dir.resolve("a").resolve(ScenarioFiles.SCENARIO));
        assertTrue(scenario.contains("\"seed\" : 7") && scenario.contains("\"tailDof\" : 3"), scenario);
    }

    @Test
    void shouldLabelOneAnomalyOfEveryKindAndChangeTheEventsOnlyInsideItsSeriesFromItsStart() throws IOException {
        ScenarioGenerator with = new ScenarioGenerator(spec(3, 1, 0.05, 0, 0));
        ScenarioGenerator without = new ScenarioGenerator(spec(3, 0, 0.05, 0, 0));
        assertEquals(with.profiles(), without.profiles(), "series shapes do not depend on the anomalies");
        List<Label> labels = with.labels();
        assertEquals(Arrays.stream(AnomalyKind.values()).map(AnomalyKind::label).collect(Collectors.toSet()),
                labels.stream().map(Label::kind).collect(Collectors.toSet()));
        Map<String, TreeMap<Long, Double>> anomalous = bySeries(events(with));
        Map<String, TreeMap<Long, Double>> clean = bySeries(events(without));
        for (Label label : labels) {
            ScenarioGenerator.SeriesProfile profile = with.profiles().stream().filter(p -> p.id().equals(label.series())).findFirst().orElseThrow();
            double amplitude = profile.dailyAmplitude();
            long from = label.start().toEpochMilli(), to = label.end().toEpochMilli() + 60_000; // events carry up to 2 s of jitter
            var inside = anomalous.get(label.series()).subMap(from, to);
            var reference = clean.get(label.series()).subMap(from, to);
            String what = label + " (daily amplitude " + amplitude + ")";
            switch (AnomalyKind.parse(label.kind())) {
                case SILENCE -> {
                    assertTrue(inside.isEmpty(), what);
                    assertFalse(reference.isEmpty(), what);
                }
                case FLATLINE -> {
                    assertEquals(1, Set.copyOf(inside.values()).size(), what + ": one stuck value");
                    assertTrue(inside.size() >= 60, what);
                }
                case SPIKE -> assertTrue(maxAbsDifference(inside, reference) >= 0.99 * amplitude, what);
                case LEVEL_SHIFT, DRIFT -> {
                    double shift = meanDifference(anomalous.get(label.series()).tailMap(to), clean.get(label.series()).tailMap(to));
                    assertTrue(Math.abs(shift) >= 0.29 * amplitude, what + ": lasting shift " + shift);
                }
                case VARIANCE_BURST -> assertTrue(spread(inside) > 3 * spread(reference), what + ": spread " + spread(inside)
                        + " vs " + spread(reference));
            }
        }
        // Nothing differs before a series' first anomaly, and series without one are untouched.
        for (String series : clean.keySet()) {
            long firstAnomaly = labels.stream().filter(l -> l.series().equals(series)).mapToLong(l -> l.start().toEpochMilli()).min()
                    .orElse(Long.MAX_VALUE);
            assertEquals(clean.get(series).headMap(firstAnomaly), anomalous.get(series).headMap(firstAnomaly), series);
        }
    }

    @Test
    void shouldPlaceAnomaliesOnlyAfterTheQuietDaysAndLoseScrapesAtTheGivenRate() throws IOException {
        ScenarioSpec spec = spec(5, 1, 0.05, 0.05, 0);
        ScenarioGenerator g = new ScenarioGenerator(spec);
        Instant quietEnd = spec.start().plus(Duration.ofDays(spec.quietDays()));
        assertTrue(g.labels().stream().allMatch(l -> !l.start().isBefore(quietEnd)), g.labels().toString());
        ScenarioGenerator.EventCounts counts = g.writeEvents(new StringWriter());
        double lostShare = (double) counts.lostScrapes() / (spec.series() * spec.scrapes() - counts.silentScrapes());
        assertEquals(0.05, lostShare, 0.005);
        assertEquals(spec.series() * spec.scrapes(), counts.events() + counts.lostScrapes() + counts.silentScrapes());
    }

    @Test
    void shouldWriteMalformedLinesThatIngestRejectsAndEventsInTimeOrder() throws IOException {
        Path file = dir.resolve("events.jsonl");
        ScenarioGenerator g = new ScenarioGenerator(spec(9, 1, 0.05, 0.01, 12));
        try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            g.writeEvents(w);
        }
        WindowedActuals actuals = WindowedActuals.read(file, Duration.ofMinutes(5));
        assertEquals(12, actuals.rejectedByReason().values().stream().mapToLong(Long::longValue).sum(), actuals.rejectedByReason().toString());
        assertTrue(actuals.rejectedByReason().keySet().containsAll(Set.of("malformed-json", "bad-value", "missing-ts", "non-finite-value",
                "bad-series")), actuals.rejectedByReason().toString());
        long last = Long.MIN_VALUE;
        for (String line : Files.readAllLines(file)) {
            long ts = SendCommand.eventMillis(line);
            if (ts != Long.MIN_VALUE) { // malformed lines with a readable time too
                assertTrue(ts >= last, "out of order at " + line);
                last = ts;
            }
        }
    }

    @Test
    void truthShouldBeTheWindowMeanOfTheEventsWhenThereIsNoNoiseAndNoLoss() throws IOException {
        ScenarioSpec spec = spec(11, 1, 0, 0, 0);
        ScenarioGenerator g = new ScenarioGenerator(spec);
        Path events = dir.resolve("events.jsonl");
        try (var w = Files.newBufferedWriter(events, StandardCharsets.UTF_8)) {
            g.writeEvents(w);
        }
        StringWriter truth = new StringWriter();
        g.writeTruth(truth);
        WindowedActuals actuals = WindowedActuals.read(events, spec.window());
        List<String> rows = truth.toString().lines().skip(1).toList();
        assertEquals(spec.series() * spec.scrapes() / spec.scrapesPerWindow(), rows.size());
        int empty = 0;
        Map<String, double[]> means = new HashMap<>();
        for (String row : rows) {
            String[] cells = row.split(",", -1);
            double[] m = means.computeIfAbsent(cells[0], actuals::means);
            int w = actuals.windowOf(Instant.parse(cells[1]));
            if (cells[2].isEmpty()) {
                empty++;
                assertTrue(Double.isNaN(m[w]), row);
            } else {
                assertEquals(Double.parseDouble(cells[2]), m[w], 1e-3, row);
            }
        }
        assertTrue(empty >= 6, "a silence of at least 30 minutes leaves whole windows empty: " + empty);
    }

    private static Map<String, TreeMap<Long, Double>> bySeries(String events) {
        Map<String, TreeMap<Long, Double>> out = new TreeMap<>();
        for (String line : events.lines().toList()) {
            int s = line.indexOf("\"series\":\"") + 10;
            String series = line.substring(s, line.indexOf('"', s));
            double value = Double.parseDouble(line.substring(line.indexOf("\"value\":") + 8, line.length() - 1));
            out.computeIfAbsent(series, k -> new TreeMap<>()).put(SendCommand.eventMillis(line) / 60_000 * 60_000, value);
        }
        return out;
    }

    private static double maxAbsDifference(Map<Long, Double> a, Map<Long, Double> b) {
        return a.keySet().stream().filter(b::containsKey).mapToDouble(t -> Math.abs(a.get(t) - b.get(t))).max().orElse(0);
    }

    private static double meanDifference(Map<Long, Double> a, Map<Long, Double> b) {
        return a.keySet().stream().filter(b::containsKey).mapToDouble(t -> a.get(t) - b.get(t)).average().orElse(0);
    }

    /** Mean absolute difference of consecutive values: noise, with little of the smooth pattern. */
    private static double spread(Map<Long, Double> values) {
        double[] v = values.values().stream().mapToDouble(Double::doubleValue).toArray();
        double sum = 0;
        for (int i = 1; i < v.length; i++) {
            sum += Math.abs(v[i] - v[i - 1]);
        }
        return sum / Math.max(1, v.length - 1);
    }

    @Test
    void shouldRejectAScenarioTooShortForItsAnomalies() {
        ScenarioCli r = ScenarioCli.run("scenario", "generate", "--out", dir.resolve("x").toString(), "--series", "1", "--days", "2",
                "--quiet-days", "1", "--anomalies-per-kind", "3");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("cannot place"), r.err());
        assertNotEquals("", r.err());
    }
}
