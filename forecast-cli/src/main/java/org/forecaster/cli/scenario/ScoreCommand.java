package org.forecaster.cli.scenario;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.forecaster.cli.DurationConverter;
import org.forecaster.cli.Progress;
import org.forecaster.cli.ProgressOption;
import org.forecaster.core.wire.Topics;
import org.forecaster.core.wire.WireJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Scores a system's forecasts and alerts against a scenario (or any raw events file and labels). */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score the system's forecasts and alerts against a scenario: scaled MAE per horizon next to naive, seasonal"
                + " naive and Holt-Winters on the same points, interval coverage, labelled windows found by kind, false alerts"
                + " per series-day and detection delay.",
                "Actual values are ingest's window means computed from the raw events (lines ingest would reject are left out).",
                "Example: forecast scenario score --dir scn --bootstrap 127.0.0.1:19092 --json score.json",
                "Own incidents: forecast scenario score --events raw.jsonl --labels incidents.json --anomalies anomalies.jsonl"})
final class ScoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "A folder written by 'scenario generate' (events.jsonl, labels.json, scenario.json).")
    Path dir;

    @Option(names = "--events", paramLabel = "FILE", description = "Raw events as JSON lines, instead of DIR/events.jsonl.")
    Path events;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "Labelled windows, a JSON array of {\"series\",\"kind\",\"start\",\"end\"}, instead of DIR/labels.json.")
    Path labels;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Read the forecasts and anomalies topics of this Kafka.")
    String bootstrap;

    @Option(names = "--forecasts", paramLabel = "FILE", description = "Forecast records as JSON lines (a dump of the forecasts topic).")
    Path forecastsFile;

    @Option(names = "--anomalies", paramLabel = "FILE", description = "Alert transitions as JSON lines (a dump of the anomalies topic).")
    Path anomaliesFile;

    @Option(names = "--forecasts-topic", defaultValue = Topics.FORECASTS, paramLabel = "TOPIC", description = "Default ${DEFAULT-VALUE}.")
    String forecastsTopic;

    @Option(names = "--anomalies-topic", defaultValue = Topics.ANOMALIES, paramLabel = "TOPIC", description = "Default ${DEFAULT-VALUE}.")
    String anomaliesTopic;

    @Option(names = "--idle", defaultValue = "5s", paramLabel = "D", converter = DurationConverter.class,
            description = "With --bootstrap: stop reading once caught up and nothing arrived for this long (default ${DEFAULT-VALUE}).")
    Duration idle;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "D", converter = DurationConverter.class,
            description = "With --bootstrap: give up when the broker does not answer for this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--step", paramLabel = "D", converter = DurationConverter.class,
            description = "Window size of the points (default: the scenario's window, else 5m).")
    Duration step;

    @Option(names = "--season", defaultValue = "1d", paramLabel = "D", converter = DurationConverter.class,
            description = "Season of seasonal naive, Holt-Winters and the MASE scale (default ${DEFAULT-VALUE}).")
    Duration season;

    @Option(names = "--fit", defaultValue = "3d", paramLabel = "D", converter = DurationConverter.class,
            description = "Fitting prefix from the first event: baselines and scale are fitted on it, forecasts and false alerts"
                    + " scored after it; at least two seasons and one window (default ${DEFAULT-VALUE}).")
    Duration fit;

    @Option(names = "--horizon", defaultValue = "0", paramLabel = "K",
            description = "Score h = 1..K (default: the longest forecast read, 12 without forecasts).")
    int horizon;

    @Option(names = "--tolerance", defaultValue = "3", paramLabel = "N",
            description = "An OPEN up to N windows after a label's start still finds it, however short the label (default ${DEFAULT-VALUE}).")
    int tolerance;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the scores, per label too, as JSON.")
    Path json;

    @Mixin
    ProgressOption progress = new ProgressOption();

    @Override
    public Integer call() throws IOException {
        Path eventsFile = events != null ? events : dir == null ? null : dir.resolve(ScenarioFiles.EVENTS);
        Path labelsFile = labels != null ? labels : dir == null ? null : dir.resolve(ScenarioFiles.LABELS);
        Duration window = step != null ? step : windowOf(dir);
        Scorer.Options options = validate(eventsFile, labelsFile, window);
        PrintWriter log = spec.commandLine().getErr();
        List<Label> labelList = ScenarioFiles.readLabels(labelsFile);
        WindowedActuals actuals;
        try (Progress p = progress.start(log, "scenario score", "lines", -1)) {
            actuals = WindowedActuals.read(eventsFile, window, p);
        }
        SystemOutputs outputs = bootstrap != null
                ? SystemOutputs.fromKafka(bootstrap, forecastsTopic, anomaliesTopic, idle, timeout, log)
                : SystemOutputs.fromFiles(forecastsFile, anomaliesFile);
        if (outputs.unreadable() > 0) {
            log.printf("left out %d records that are not forecasts or alert transitions%n", outputs.unreadable());
        }
        ScoreReport report = Scorer.score(actuals, outputs.forecasts(), outputs.anomalies(), labelList, options);
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.text());
        out.flush();
        if (json != null) {
            Files.write(json, WireJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
        }
        return 0;
    }

    private static Duration windowOf(Path dir) throws IOException {
        Path scenario = dir == null ? null : dir.resolve(ScenarioFiles.SCENARIO);
        return scenario != null && Files.isRegularFile(scenario) ? ScenarioFiles.readWindow(scenario) : Duration.ofMinutes(5);
    }

    private Scorer.Options validate(Path eventsFile, Path labelsFile, Duration window) {
        String msg = null;
        boolean files = forecastsFile != null || anomaliesFile != null;
        if (eventsFile == null || labelsFile == null) {
            msg = "give --dir, or both --events and --labels";
        } else if (!Files.isRegularFile(eventsFile)) {
            msg = "no events file " + eventsFile;
        } else if (!Files.isRegularFile(labelsFile)) {
            msg = "no labels file " + labelsFile + " (an empty array [] scores forecasts and false alerts only)";
        } else if ((bootstrap == null) == !files) {
            msg = "give either --bootstrap (read the topics) or --forecasts and/or --anomalies (read dumps), not both or neither";
        } else if (forecastsFile != null && !Files.isRegularFile(forecastsFile)) {
            msg = "--forecasts " + forecastsFile + " is not a file";
        } else if (anomaliesFile != null && !Files.isRegularFile(anomaliesFile)) {
            msg = "--anomalies " + anomaliesFile + " is not a file";
        } else if (bootstrap != null && (bootstrap.isBlank() || !bootstrap.contains(":"))) {
            msg = "--bootstrap must be HOST:PORT, got '" + bootstrap + "'";
        } else if (window.toMillis() < 1000) {
            msg = "--step must be at least 1s, got " + DurationConverter.format(window);
        } else if (season.toMillis() % window.toMillis() != 0) {
            msg = "--season " + DurationConverter.format(season) + " must be a whole number of windows of " + DurationConverter.format(window);
        } else if (fit.toMillis() % window.toMillis() != 0) {
            msg = "--fit " + DurationConverter.format(fit) + " must be a whole number of windows of " + DurationConverter.format(window);
        } else if (idle.isNegative() || timeout.toMillis() < 1000) {
            msg = "--idle must be >= 0 and --timeout at least 1s";
        }
        if (msg != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), msg);
        }
        try {
            return new Scorer.Options((int) (season.toMillis() / window.toMillis()), horizon, (int) (fit.toMillis() / window.toMillis()), tolerance);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage() + " (see --fit and --season)");
        }
    }
}
