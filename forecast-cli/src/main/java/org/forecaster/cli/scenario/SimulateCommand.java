package org.forecaster.cli.scenario;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.forecaster.cli.DurationConverter;
import org.forecaster.cli.Progress;
import org.forecaster.cli.ProgressOption;
import org.forecaster.core.anomaly.AlertKinds;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelFormatException;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.online.PointStep;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastJsonWriter;
import org.forecaster.core.wire.WireJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The model service's per-point path without Kafka: a scenario's events are windowed as ingest windows them, and every
 * series' points go through core's {@link PointStep} (the processor's own step) under one model, writing the records
 * the service would put on {@code forecasts} and {@code anomalies}. {@code scenario score --forecasts --anomalies}
 * then scores them, so a model or a score setting can be judged on live-like telemetry in seconds.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a scenario's points through the model service's per-point step (no Kafka) and write the forecasts"
                + " and alert transitions the service would emit, as JSON lines for 'scenario score'.",
                "Settings default to the model service's (forecast.serving.*).",
                "Example: forecast scenario simulate --dir scn --model deploy/local/bootstrap-model.fcst --out sim &&"
                        + " forecast scenario score --dir scn --forecasts sim/forecasts.jsonl --anomalies sim/anomalies.jsonl"})
final class SimulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "A folder written by 'scenario generate' (its events.jsonl).")
    Path dir;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file to serve.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where forecasts.jsonl and anomalies.jsonl go.")
    Path out;

    @Option(names = "--ring", defaultValue = "48", paramLabel = "N", description = "Inputs remembered per key (default ${DEFAULT-VALUE}).")
    int ring;

    @Option(names = "--max-gap", defaultValue = "288", paramLabel = "STEPS", description = "Longer gaps reset a key (default ${DEFAULT-VALUE}).")
    int maxGap;

    @Option(names = "--cold-steps", defaultValue = "24", paramLabel = "N", description = "Steps a key stays cold (default ${DEFAULT-VALUE}).")
    int coldSteps;

    @Option(names = "--season", defaultValue = "1d", paramLabel = "D", converter = DurationConverter.class,
            description = "Season of the score's seasonal reference (default ${DEFAULT-VALUE}).")
    Duration season;

    @Option(names = "--alert-probation", defaultValue = "288", paramLabel = "POINTS",
            description = "Points a key observes before it may alert (default ${DEFAULT-VALUE}).")
    int probation;

    @Option(names = "--alert-open-min-sigmas", defaultValue = "2", paramLabel = "Z",
            description = "A score opens an alert only this many one-step sigmas or more off the prediction (default ${DEFAULT-VALUE}; 0: off).")
    double openMinSigmas;

    @Option(names = "--alert-kinds", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Alerts say which kind of change fired them, silent keys included, as the service's default"
                    + " (default ${DEFAULT-VALUE}; --no-alert-kinds: every alert from the score).")
    boolean kinds;

    @Mixin
    ProgressOption progress = new ProgressOption();

    @Override
    public Integer call() throws IOException {
        ModelFile file = readModel();
        Duration step = Duration.ofMillis(file.header().stepMillis());
        PrintWriter log = spec.commandLine().getErr();
        WindowedActuals actuals;
        try (Progress p = progress.start(log, "scenario simulate", "lines", -1)) {
            actuals = WindowedActuals.read(dir.resolve("events.jsonl"), step, p);
        }
        AlertRule d = AlertRule.NOVELTY_DEFAULT;
        PointStep.Rules rules;
        try {
            rules = new PointStep.Rules(0.95, maxGap, ring, coldSteps, season.toMillis(), NoveltyScore.Spec.DEFAULT,
                    new AlertRule(d.threshold(), d.openAfter(), d.resolveAfter(), probation, openMinSigmas), kinds ? AlertKinds.Spec.DEFAULT : null);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PointStep pointStep = new PointStep(new Forecaster(file.header().spec(), file.parameters(), KernelsProvider.get()),
                file.header().normalizer(), file.header().stepMillis(), file.header().version(), rules,
                file.header().intervalShape());
        Files.createDirectories(out);
        ForecastJsonWriter forecastJson = new ForecastJsonWriter();
        long forecasts = 0, alerts = 0;
        List<String> series = actuals.series();
        List<double[]> means = series.stream().map(actuals::means).toList();
        List<WindowedActuals.Events> events = series.stream().map(actuals::events).toList();
        // Counts every series' slot of every window, gaps included: the total is then exact before the run.
        try (OutputStream f = new BufferedOutputStream(Files.newOutputStream(out.resolve("forecasts.jsonl")));
             OutputStream a = new BufferedOutputStream(Files.newOutputStream(out.resolve("anomalies.jsonl")));
             Progress p = progress.start(log, "scenario simulate", "points", (long) actuals.windows() * series.size())) {
            List<KeyState> states = new ArrayList<>(series.size());
            series.forEach(s -> states.add(pointStep.newState()));
            long silentMillis = pointStep.silentMillis();
            // Window by window across all series, the order in which a live system would see them.
            for (int w = 0; w < actuals.windows(); w++, p.advance(series.size())) {
                long now = actuals.windowStart(w).toEpochMilli();
                for (int k = 0; k < series.size(); k++) {
                    double v = means.get(k)[w];
                    KeyState state = states.get(k);
                    if (Double.isNaN(v)) {
                        // No point for this window: the step fills the gap when the next one comes. A key without a
                        // point for silentMillis is silent, as the service's scan finds it (here on event time).
                        if (silentMillis > 0 && state.lastTimestamp != KeyState.NO_TIMESTAMP
                                && now - state.lastTimestamp == silentMillis) {
                            AnomalyRecord silent = pointStep.silence(series.get(k), state, actuals.windowStart(w));
                            if (silent != null) {
                                a.write(WireJson.write(silent));
                                a.write('\n');
                                alerts++;
                            }
                        }
                        continue;
                    }
                    WindowedActuals.Events e = events.get(k);
                    PointStep.Outcome o = pointStep.observe(series.get(k), states.get(k), actuals.windowStart(w), v,
                            e.counts()[w], e.mins()[w], e.maxs()[w]);
                    states.set(k, o.state());
                    f.write(forecastJson.write(o.forecast()));
                    f.write('\n');
                    forecasts++;
                    if (o.alert() != null) {
                        a.write(WireJson.write(o.alert()));
                        a.write('\n');
                        alerts++;
                    }
                }
            }
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "simulate: %d series, %d forecasts, %d alert transitions under %s v%d -> %s%n",
                actuals.series().size(), forecasts, alerts, file.header().name(), file.header().version(), out);
        return 0;
    }

    private ModelFile readModel() throws IOException {
        if (!Files.isRegularFile(model)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model " + model + " is not a file");
        }
        try {
            return ModelReader.read(Files.readAllBytes(model));
        } catch (ModelFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model " + model + " is not a valid model file: "
                    + e.getMessage());
        }
    }
}
