package org.forecaster.cli.plot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.forecaster.cli.DurationConverter;
import org.forecaster.cli.plot.PlotData.Band;
import org.forecaster.cli.plot.PlotData.Points;
import org.forecaster.cli.plot.PlotData.Span;
import org.forecaster.cli.scenario.ScenarioFiles;
import org.forecaster.cli.scenario.SystemOutputs;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.Topics;
import org.jfree.chart.JFreeChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code forecast plot} (issue 19): one series, its one-step forecast band and its alerts as a PNG or SVG picture, from
 * the files the other commands write or from the {@code forecasts} and {@code anomalies} topics.
 */
@Command(name = "plot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw one series with its h=1 forecast and interval, its alerts (OPEN to RESOLVED, with their reason) and"
                + " labelled windows, as PNG or SVG.",
                "Inputs: a timestamp,value CSV (--csv; a 'detect' result also gives the band from --debug-columns and shades"
                        + " rows scored >= --threshold), the forecasts and alert transitions of 'scenario simulate' (--dir, or"
                        + " --forecasts/--anomalies) or of a running system (--bootstrap; reads both topics from their start).",
                "Example: forecast plot --dir sim --series scn-003 --labels scn/labels.json --out scn-003.png"})
public final class PlotCommand implements Callable<Integer> {
    /** Bounds of --width and --height, in pixels. */
    static final int MIN_SIZE = 200, MAX_SIZE = 8000;

    @Spec
    CommandSpec spec;

    @Option(names = "--csv", paramLabel = "FILE",
            description = "The series as timestamp,value rows (NAB's layout), or a 'detect' result file.")
    Path csv;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "A 'scenario simulate --out' folder: its forecasts.jsonl and anomalies.jsonl.")
    Path dir;

    @Option(names = "--forecasts", paramLabel = "FILE", description = "Forecast records as JSON lines (a dump of the forecasts topic).")
    Path forecastsFile;

    @Option(names = "--anomalies", paramLabel = "FILE", description = "Alert transitions as JSON lines (a dump of the anomalies topic).")
    Path anomaliesFile;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Read the forecasts and anomalies topics of this Kafka instead.")
    String bootstrap;

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

    @Option(names = "--series", paramLabel = "ID",
            description = "The series to draw; needed when the records hold several (default: the only one, else the CSV's file name).")
    String series;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "Labelled windows to mark: a JSON array of {\"series\",\"kind\",\"start\",\"end\"} (a scenario's labels.json).")
    Path labels;

    @Option(names = "--from", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Draw from this time on: an ISO-8601 instant (2025-03-05T12:00:00Z) or a UTC date (2025-03-05).")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = InstantConverter.class, description = "Draw up to this time, inclusive (as --from).")
    Instant to;

    @Option(names = "--threshold", paramLabel = "SCORE",
            description = "A 'detect' result's rows scored at least this are shaded as alerts (default: the model service's alert"
                    + " threshold, 0.97).")
    Double threshold;

    @Option(names = "--level", defaultValue = "95", paramLabel = "PCT",
            description = "A 'detect' result's band: the central interval of this coverage around 'expected' (default ${DEFAULT-VALUE}).")
    double level;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The picture: FILE.png or FILE.svg.")
    Path out;

    @Option(names = "--width", defaultValue = "1200", paramLabel = "PX", description = "Width in pixels (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "500", paramLabel = "PX", description = "Height in pixels (default ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--title", paramLabel = "TEXT", description = "Title above the chart (default: the series id).")
    String title;

    /** The picture formats, by file name extension. */
    enum Format { PNG, SVG }

    @Override
    public Integer call() throws IOException {
        System.setProperty("java.awt.headless", "true"); // before the first AWT class loads: no display is needed or wanted
        Format format = validate();
        PlotInputs.SeriesCsv csvData = csv == null ? null
                : PlotInputs.readSeriesCsv(csv, threshold != null ? threshold : AlertRule.NOVELTY_DEFAULT.threshold(), level / 100);
        SystemOutputs outputs = outputs();
        String id = seriesId(outputs);
        List<ForecastRecord> forecasts = outputs == null ? null : outputs.forecasts();
        Points observed = csvData != null ? csvData.observed() : forecasts != null ? PlotInputs.observed(forecasts, id) : Points.EMPTY;
        Band band = forecasts != null ? PlotInputs.oneStepAhead(forecasts, id) : csvData != null ? csvData.predicted() : Band.EMPTY;
        double bandLevel = forecasts != null ? PlotInputs.level(forecasts, id) : level / 100;
        PlotData all = new PlotData(observed, band, bandLevel, List.of(), List.of());
        long[] range = all.timeRange();
        long end = range == null ? Long.MIN_VALUE : range[1];
        List<Span> alerts = outputs != null && outputs.anomalies() != null ? PlotInputs.alertSpans(outputs.anomalies(), id, end)
                : csvData != null ? csvData.highScores() : List.of();
        List<Span> windows = labels == null ? List.of() : PlotInputs.labelSpans(ScenarioFiles.readLabels(labels), id);
        PlotData data = new PlotData(observed, band, bandLevel, alerts, windows)
                .within(from == null ? Long.MIN_VALUE : from.toEpochMilli(), to == null ? Long.MAX_VALUE : to.toEpochMilli());
        if (data.timeRange() == null) {
            throw new IllegalArgumentException("nothing to draw: series " + id + " has no values or forecasts"
                    + (from != null || to != null ? " between --from and --to" : ""));
        }
        JFreeChart chart = ChartRenderer.chart(data, title != null ? title : id, width);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (format == Format.PNG) {
            ChartRenderer.writePng(chart, width, height, out);
        } else {
            ChartRenderer.writeSvg(chart, width, height, out);
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "plot: %s: %d values, %d forecasts, %d alerts, %d labelled windows -> %s (%dx%d)%n",
                id, data.observed().size(), data.forecast().size(), data.alerts().size(), data.labels().size(), out, width, height);
        return 0;
    }

    private Format validate() {
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        Format format = name.endsWith(".png") ? Format.PNG : name.endsWith(".svg") ? Format.SVG : null;
        boolean files = dir != null || forecastsFile != null || anomaliesFile != null;
        String msg = null;
        if (format == null) {
            msg = "--out must end in .png or .svg, got '" + out + "'";
        } else if (width < MIN_SIZE || width > MAX_SIZE || height < MIN_SIZE || height > MAX_SIZE) {
            msg = "--width and --height must be in " + MIN_SIZE + ".." + MAX_SIZE + " pixels, got " + width + "x" + height;
        } else if (csv == null && !files && bootstrap == null) {
            msg = "nothing to draw from: give --csv, --dir, --forecasts/--anomalies or --bootstrap";
        } else if (bootstrap != null && files) {
            msg = "--bootstrap reads the topics; leave out --dir, --forecasts and --anomalies";
        } else if (dir != null && (forecastsFile != null || anomaliesFile != null)) {
            msg = "--dir names both files; leave out --forecasts and --anomalies";
        } else if (bootstrap != null && (bootstrap.isBlank() || !bootstrap.contains(":"))) {
            msg = "--bootstrap must be HOST:PORT, got '" + bootstrap + "'";
        } else if (from != null && to != null && !from.isBefore(to)) {
            msg = "--from (" + from + ") must be before --to (" + to + ")";
        } else if (!(level > 0 && level < 100)) {
            msg = "--level must be in (0, 100), got " + level;
        } else if (threshold != null && !(threshold > 0 && threshold <= 1)) {
            msg = "--threshold must be in (0, 1], got " + threshold;
        } else if (threshold != null && csv == null) {
            msg = "--threshold applies to a 'detect' result given with --csv";
        } else {
            msg = missingFile();
        }
        if (msg != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), msg);
        }
        return format;
    }

    private String missingFile() {
        if (dir != null && !Files.isDirectory(dir)) {
            return "--dir " + dir + " is not a folder";
        }
        for (Path p : new Path[] {csv, forecastsFile, anomaliesFile, labels,
                dir == null ? null : dir.resolve("forecasts.jsonl"), dir == null ? null : dir.resolve("anomalies.jsonl")}) {
            if (p != null && !Files.isRegularFile(p)) {
                return "no such file: " + p;
            }
        }
        return null;
    }

    /** The forecasts and alerts to draw, or null when only a CSV is given. */
    private SystemOutputs outputs() throws IOException {
        if (bootstrap != null) {
            return SystemOutputs.fromKafka(bootstrap, forecastsTopic, anomaliesTopic, idle, timeout, spec.commandLine().getErr());
        }
        if (dir != null) {
            return SystemOutputs.fromFiles(dir.resolve("forecasts.jsonl"), dir.resolve("anomalies.jsonl"));
        }
        if (forecastsFile != null || anomaliesFile != null) {
            return SystemOutputs.fromFiles(forecastsFile, anomaliesFile);
        }
        return null;
    }

    /** --series, else the records' only series, else the CSV's file name without .csv. */
    private String seriesId(SystemOutputs outputs) {
        if (outputs == null) {
            return series != null ? series : csv.getFileName().toString().replaceFirst("\\.csv$", "");
        }
        TreeSet<String> ids = PlotInputs.seriesIds(outputs.forecasts(), outputs.anomalies());
        if (series != null) {
            if (!ids.contains(series)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no forecasts or alerts of series '" + series + "'"
                        + (ids.isEmpty() ? "; there are none" : "; there are: " + sample(ids)));
            }
            return series;
        }
        if (ids.size() == 1) {
            return ids.first();
        }
        throw new CommandLine.ParameterException(spec.commandLine(), ids.isEmpty() ? "no forecasts or alerts to draw"
                : "the records hold " + ids.size() + " series; pick one with --series: " + sample(ids));
    }

    private static String sample(TreeSet<String> ids) {
        List<String> first = ids.stream().limit(10).toList();
        return String.join(", ", first) + (ids.size() > first.size() ? ", ..." : "");
    }
}
