package org.forecaster.cli.plot;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.forecaster.cli.plot.PlotData.Band;
import org.forecaster.cli.plot.PlotData.Points;
import org.forecaster.cli.plot.PlotData.Span;
import org.forecaster.cli.scenario.Label;
import org.forecaster.core.data.SeriesFiles;
import org.forecaster.core.data.SeriesFiles.TimedValues;
import org.forecaster.core.stats.Gaussian;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastRecord;

/** Turns the files and records the project writes into the parts of a {@link PlotData}. */
final class PlotInputs {
    /** The column {@code detect} adds to a series' rows; its presence tells a detect result from a plain series. */
    static final String SCORE_COLUMN = "anomaly_score";

    private PlotInputs() {}

    /** A series file's values, and for a {@code detect} result the prediction band and the runs of high scores. */
    record SeriesCsv(Points observed, Band predicted, List<Span> highScores) {}

    /**
     * Reads a {@code timestamp,value} CSV (NAB's layout, what {@code replay} sends) or a {@code detect} result
     * ({@code timestamp,value,anomaly_score}, with {@code --debug-columns} also {@code expected,sigma}). From a detect
     * result, rows whose score is at least {@code threshold} form alert-like spans, and {@code expected ± z·sigma} at
     * the central coverage {@code level} is the band.
     */
    static SeriesCsv readSeriesCsv(Path file, double threshold, double level) throws IOException {
        if (!isDetectResult(file)) {
            TimedValues rows = SeriesFiles.readTimedCsv(file);
            return new SeriesCsv(new Points(rows.timestamps(), rows.values()), Band.EMPTY, List.of());
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).get();
        List<Long> ts = new ArrayList<>();
        List<double[]> rows = new ArrayList<>(); // value, score, expected, sigma
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser csv = CSVParser.parse(in, format)) {
            boolean debug = csv.getHeaderMap().containsKey("expected") && csv.getHeaderMap().containsKey("sigma");
            for (CSVRecord r : csv) {
                int line = (int) csv.getCurrentLineNumber();
                ts.add(SeriesFiles.parseTimestamp(cell(r, "timestamp", file, line), file, line));
                rows.add(new double[] {number(r, "value", file, line), number(r, SCORE_COLUMN, file, line),
                        debug ? number(r, "expected", file, line) : Double.NaN, debug ? number(r, "sigma", file, line) : Double.NaN});
            }
        }
        int n = ts.size();
        long[] t = new long[n];
        double[] values = new double[n];
        double z = Gaussian.quantile(0.5 + level / 2);
        List<Integer> predicted = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t[i] = ts.get(i);
            values[i] = rows.get(i)[0];
            if (Double.isFinite(rows.get(i)[2]) && Double.isFinite(rows.get(i)[3])) {
                predicted.add(i);
            }
        }
        long[] bt = new long[predicted.size()];
        double[] mean = new double[bt.length], lower = new double[bt.length], upper = new double[bt.length];
        for (int k = 0; k < bt.length; k++) {
            double[] row = rows.get(predicted.get(k));
            bt[k] = t[predicted.get(k)];
            mean[k] = row[2];
            lower[k] = row[2] - z * row[3];
            upper[k] = row[2] + z * row[3];
        }
        List<Span> high = new ArrayList<>();
        String text = String.format(Locale.ROOT, "score >= %s", threshold);
        for (int i = 0; i < n; i++) {
            if (rows.get(i)[1] >= threshold) {
                int j = i;
                while (j + 1 < n && rows.get(j + 1)[1] >= threshold) {
                    j++;
                }
                high.add(new Span(t[i], t[j], text));
                i = j;
            }
        }
        return new SeriesCsv(new Points(t, values), new Band(bt, mean, lower, upper), high);
    }

    private static boolean isDetectResult(Path file) throws IOException {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            String header = lines.findFirst().orElse("");
            return header.contains(SCORE_COLUMN);
        }
    }

    private static String cell(CSVRecord r, String column, Path file, int line) {
        if (!r.isSet(column)) {
            throw new IllegalArgumentException(file + ":" + line + ": no '" + column + "' cell");
        }
        return r.get(column);
    }

    private static double number(CSVRecord r, String column, Path file, int line) {
        String v = cell(r, column, file, line);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ":" + line + ": " + column + " '" + v + "' is not a number");
        }
    }

    /** Every series id in the records, sorted; either list may be null. */
    static TreeSet<String> seriesIds(List<ForecastRecord> forecasts, List<AnomalyRecord> anomalies) {
        TreeSet<String> ids = new TreeSet<>();
        if (forecasts != null) {
            forecasts.forEach(f -> ids.add(f.series()));
        }
        if (anomalies != null) {
            anomalies.forEach(a -> ids.add(a.series()));
        }
        return ids;
    }

    /** The observed point of each forecast record of {@code series}, in time order. */
    static Points observed(List<ForecastRecord> forecasts, String series) {
        List<ForecastRecord> mine = ofSeries(forecasts, series);
        long[] t = new long[mine.size()];
        double[] v = new double[mine.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = mine.get(i).observedTs().toEpochMilli();
            v[i] = mine.get(i).observedValue();
        }
        return new Points(t, v);
    }

    /** The first horizon step of each forecast record of {@code series}, at the time it forecasts, in time order. */
    static Band oneStepAhead(List<ForecastRecord> forecasts, String series) {
        List<ForecastRecord> mine = ofSeries(forecasts, series).stream().filter(f -> !f.steps().isEmpty()).toList();
        long[] t = new long[mine.size()];
        double[] mean = new double[t.length], lower = new double[t.length], upper = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            ForecastRecord.Step s = mine.get(i).steps().get(0);
            t[i] = s.ts().toEpochMilli();
            mean[i] = s.mean();
            lower[i] = s.lower();
            upper[i] = s.upper();
        }
        return new Band(t, mean, lower, upper);
    }

    /** The interval level of {@code series}' forecasts, NaN without any. */
    static double level(List<ForecastRecord> forecasts, String series) {
        return forecasts.stream().filter(f -> f.series().equals(series)).mapToDouble(ForecastRecord::level).findFirst().orElse(Double.NaN);
    }

    private static List<ForecastRecord> ofSeries(List<ForecastRecord> forecasts, String series) {
        return forecasts.stream().filter(f -> f.series().equals(series))
                .sorted(Comparator.comparing(ForecastRecord::observedTs)).toList();
    }

    /**
     * {@code series}' alerts as spans from each OPEN to the RESOLVED after it, labelled by the reason ("score" for
     * records without one). An alert still open at the end lasts until {@code end} (the last time drawn).
     */
    static List<Span> alertSpans(List<AnomalyRecord> anomalies, String series, long end) {
        List<AnomalyRecord> mine = anomalies.stream().filter(a -> a.series().equals(series))
                .sorted(Comparator.comparing(AnomalyRecord::ts)).toList();
        List<Span> spans = new ArrayList<>();
        AnomalyRecord open = null;
        for (AnomalyRecord a : mine) {
            if (a.state() == AnomalyRecord.State.OPEN) {
                open = open == null ? a : open; // one alert is open per key at a time; a repeated OPEN changes nothing
            } else if (open != null) {
                spans.add(new Span(open.ts().toEpochMilli(), a.ts().toEpochMilli(), reason(open)));
                open = null;
            }
        }
        if (open != null) {
            spans.add(new Span(open.ts().toEpochMilli(), Math.max(end, open.ts().toEpochMilli()), reason(open)));
        }
        return spans;
    }

    private static String reason(AnomalyRecord a) {
        return a.reason() == null ? "score" : a.reason();
    }

    /** {@code series}' labelled windows, labelled by their kind. */
    static List<Span> labelSpans(List<Label> labels, String series) {
        return labels.stream().filter(l -> l.series().equals(series))
                .map(l -> new Span(l.start().toEpochMilli(), l.end().toEpochMilli(), l.kind())).toList();
    }
}
