package org.forecaster.cli.scenario;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.forecaster.cli.DurationConverter;
import org.forecaster.cli.Progress;
import org.forecaster.cli.ProgressOption;
import org.forecaster.core.wire.WireJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a scenario folder: events.jsonl, truth.csv, labels.json and scenario.json. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write labelled synthetic telemetry to a folder: events.jsonl (raw events {\"series\",\"ts\",\"value\"}, one"
                + " per line in time order, with a few malformed lines), truth.csv (the noiseless mean per series and window),"
                + " labels.json (the anomaly windows) and scenario.json (every parameter and the seed).",
                "Series: a level with a trend, daily and weekly cycles, Student-t noise and lost scrapes. Anomalies: "
                        + "spike, level_shift, variance_burst, flatline, drift, silence. The same options give the same files.",
                "Example: forecast scenario generate --out scn --series 8 --days 14 --seed 7"})
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write (created if missing).")
    Path out;

    @Option(names = "--force", description = "Overwrite the files of an existing scenario in --out.")
    boolean force;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file of further options (key = long option name without dashes, e.g. anomalies-per-kind = 3);"
                    + " command-line options win. A scenario recipe to share.")
    Path config;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--series", defaultValue = "8", paramLabel = "N", description = "Number of series (default ${DEFAULT-VALUE}).")
    int series;

    @Option(names = "--days", defaultValue = "14", paramLabel = "N", description = "Days of data per series (default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--start", defaultValue = "2024-01-01T00:00:00Z", paramLabel = "INSTANT",
            description = "Time of the first scrape, on the --window grid (default ${DEFAULT-VALUE}, a Monday). On a running"
                    + " system it must lie after every event already on the raw topic, or ingest drops the events as late.")
    String start;

    @Option(names = "--scrape", defaultValue = "1m", paramLabel = "D", converter = DurationConverter.class,
            description = "Interval between a series' events (default ${DEFAULT-VALUE}).")
    Duration scrape;

    @Option(names = "--window", defaultValue = "5m", paramLabel = "D", converter = DurationConverter.class,
            description = "Ingest's window, the step of truth.csv (default ${DEFAULT-VALUE}, as bin/run-local).")
    Duration window;

    @Option(names = "--series-prefix", defaultValue = "scn-", paramLabel = "TEXT",
            description = "Series ids are this and a 3-digit number (default ${DEFAULT-VALUE}).")
    String seriesPrefix;

    @Option(names = "--noise", defaultValue = "0.05", paramLabel = "X",
            description = "Noise scale as a fraction of each series' daily amplitude (default ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--tail-dof", defaultValue = "3", paramLabel = "N",
            description = "Degrees of freedom of the Student-t noise, 1..100: smaller is heavier-tailed (default ${DEFAULT-VALUE}).")
    int tailDof;

    @Option(names = "--lost", defaultValue = "0.01", paramLabel = "P", description = "Probability that a scrape is lost (default ${DEFAULT-VALUE}).")
    double lost;

    @Option(names = "--malformed", defaultValue = "6", paramLabel = "N",
            description = "Malformed lines among the events, which ingest must reject (default ${DEFAULT-VALUE}).")
    int malformed;

    @Option(names = "--anomalies-per-kind", defaultValue = "2", paramLabel = "N",
            description = "Anomalies of each kind, each in a random series at a random time (default ${DEFAULT-VALUE}).")
    int anomaliesPerKind;

    @Option(names = "--kinds", split = ",", paramLabel = "KIND",
            description = "Anomaly kinds to inject, comma-separated (default all: spike, level_shift, variance_burst, flatline, drift, silence).")
    List<String> kinds;

    @Option(names = "--quiet-days", defaultValue = "3", paramLabel = "N",
            description = "Days at the start without anomalies, what score fits its baselines on (default ${DEFAULT-VALUE}).")
    int quietDays;

    @Option(names = "--anomaly-scale", defaultValue = "1", paramLabel = "X",
            description = "Multiplies every anomaly's size; below 1 they are harder to find (default ${DEFAULT-VALUE}).")
    double anomalyScale;

    @Mixin
    ProgressOption progress = new ProgressOption();

    @Override
    public Integer call() throws IOException {
        ScenarioSpec scenario = scenarioSpec();
        if (Files.exists(out.resolve(ScenarioFiles.EVENTS)) && !force) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + " already holds a scenario: add --force to overwrite it");
        }
        ScenarioGenerator generator;
        try {
            generator = new ScenarioGenerator(scenario);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Files.createDirectories(out);
        ScenarioGenerator.EventCounts counts;
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve(ScenarioFiles.EVENTS), StandardCharsets.UTF_8);
             Progress p = progress.start(spec.commandLine().getErr(), "scenario generate", "scrapes", scenario.scrapes())) {
            counts = generator.writeEvents(w, p);
        }
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve(ScenarioFiles.TRUTH), StandardCharsets.UTF_8)) {
            generator.writeTruth(w);
        }
        List<Label> labels = generator.labels();
        ScenarioFiles.writeLabels(out.resolve(ScenarioFiles.LABELS), labels);
        Files.write(out.resolve(ScenarioFiles.SCENARIO), WireJson.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(description(scenario, generator, counts)));
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("wrote %s: %d series x %d days, %d events (%d scrapes lost, %d silent), %d malformed lines, %d labelled anomalies%n",
                out, scenario.series(), scenario.days(), counts.events(), counts.lostScrapes(), counts.silentScrapes(),
                counts.malformedLines(), labels.size());
        stdout.flush();
        return 0;
    }

    private ScenarioSpec scenarioSpec() {
        try {
            List<AnomalyKind> parsedKinds = new ArrayList<>();
            if (kinds == null || kinds.isEmpty()) {
                parsedKinds.addAll(List.of(AnomalyKind.values()));
            } else {
                for (String k : kinds) {
                    AnomalyKind kind = AnomalyKind.parse(k);
                    if (!parsedKinds.contains(kind)) {
                        parsedKinds.add(kind);
                    }
                }
            }
            Instant first;
            try {
                first = Instant.parse(start);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--start must be an ISO-8601 instant like 2024-01-01T00:00:00Z, got '" + start + "'");
            }
            return new ScenarioSpec(seed, series, days, first, scrape, window, seriesPrefix, noise, tailDof, lost, malformed,
                    anomaliesPerKind, parsedKinds, quietDays, anomalyScale);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** scenario.json: the parameters, the series' shapes, the anomalies and what was written. */
    private static Map<String, Object> description(ScenarioSpec scenario, ScenarioGenerator generator, ScenarioGenerator.EventCounts counts) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("seed", scenario.seed());
        parameters.put("series", scenario.series());
        parameters.put("days", scenario.days());
        parameters.put("start", scenario.start().toString());
        parameters.put("scrape", scenario.scrape().toString());
        parameters.put("window", scenario.window().toString());
        parameters.put("seriesPrefix", scenario.seriesPrefix());
        parameters.put("noise", scenario.noise());
        parameters.put("tailDof", scenario.tailDof());
        parameters.put("lostScrapes", scenario.lostScrapes());
        parameters.put("malformedLines", scenario.malformedLines());
        parameters.put("anomaliesPerKind", scenario.anomaliesPerKind());
        parameters.put("kinds", scenario.kinds().stream().map(AnomalyKind::label).toList());
        parameters.put("quietDays", scenario.quietDays());
        parameters.put("anomalyScale", scenario.anomalyScale());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("generator", "forecast scenario generate");
        d.put("parameters", parameters);
        Map<String, Object> written = new LinkedHashMap<>();
        written.put("events", counts.events());
        written.put("lostScrapes", counts.lostScrapes());
        written.put("silentScrapes", counts.silentScrapes());
        written.put("malformedLines", counts.malformedLines());
        written.put("labels", generator.anomalies().size());
        d.put("counts", written);
        d.put("seriesProfiles", generator.profiles());
        d.put("anomalies", generator.anomalies().stream().map(a -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("series", scenario.seriesId(a.series()));
            m.put("kind", a.kind().label());
            m.put("start", scenario.scrapeTime(a.first()).toString());
            m.put("end", scenario.scrapeTime(a.last()).toString());
            m.put("labelEnd", scenario.scrapeTime(a.labelLast()).toString());
            m.put("size", a.size());
            return m;
        }).toList());
        return d;
    }
}
