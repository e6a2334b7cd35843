package org.forecaster.cli.scenario;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.forecaster.cli.DurationConverter;
import org.forecaster.cli.Progress;
import org.forecaster.cli.ProgressOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Writes a scenario's points as ingest would window them, one {@code timestamp,value,count,min,max} CSV per series
 * (each window's mean and its events' count and extremes, as ingest's point carries them): the input that
 * {@code backtest --format csv} trains on (the bundled first model is trained on such files, deploy/local); the
 * window's trimmed mean, which the service's seasonal profile learns, is read from them.
 */
@Command(name = "points", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a scenario's points (ingest's window means, event counts and extremes) as one"
                + " timestamp,value,count,min,max CSV per series, for backtest.",
                "Example: forecast scenario points --dir scn --out scn-points && forecast backtest --format csv --train scn-points ..."})
final class PointsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "A folder written by 'scenario generate' (its events.jsonl).")
    Path dir;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the CSV files (created).")
    Path out;

    @Option(names = "--window", defaultValue = "5m", paramLabel = "D", converter = DurationConverter.class,
            description = "Ingest's window step (default ${DEFAULT-VALUE}).")
    Duration window;

    @Mixin
    ProgressOption progress = new ProgressOption();

    @Override
    public Integer call() throws IOException {
        WindowedActuals actuals;
        try (Progress p = progress.start(spec.commandLine().getErr(), "scenario points", "lines", -1)) {
            actuals = WindowedActuals.read(dir.resolve("events.jsonl"), window, p);
        }
        Files.createDirectories(out);
        long points = 0;
        for (String series : actuals.series()) {
            double[] means = actuals.means(series);
            WindowedActuals.Events events = actuals.events(series);
            try (BufferedWriter w = Files.newBufferedWriter(out.resolve(series + ".csv"), StandardCharsets.UTF_8)) {
                w.write("timestamp,value,count,min,max\n");
                for (int i = 0; i < means.length; i++) {
                    if (!Double.isNaN(means[i])) { // a window without events is a gap, as ingest emits no point for it
                        w.write(actuals.windowStart(i) + "," + means[i] + "," + events.counts()[i] + ","
                                + events.mins()[i] + "," + events.maxs()[i] + "\n");
                        points++;
                    }
                }
            }
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "points: %d series, %d points -> %s%n", actuals.series().size(), points, out);
        return 0;
    }
}
