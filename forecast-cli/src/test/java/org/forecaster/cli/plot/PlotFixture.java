package org.forecaster.cli.plot;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.forecaster.cli.ForecastCli;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastJsonWriter;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.WireJson;

/**
 * A small generated series {@code s1} (200 points, 5 minutes apart, from {@link #START}) with one-step forecasts from
 * point {@link #FIRST_FORECAST} on and a spike alert open from point {@link #ALERT_OPEN} to {@link #ALERT_RESOLVED},
 * plus one forecast of another series {@code s2}, as the JSON-lines files {@code scenario simulate} writes.
 */
final class PlotFixture {
    static final Instant START = Instant.parse("2025-03-01T00:00:00Z");
    static final long STEP = 300_000;
    static final int POINTS = 200, FIRST_FORECAST = 100, ALERT_OPEN = 150, ALERT_RESOLVED = 160;
    static final double HALF_WIDTH = 8;

    private PlotFixture() {}

    static long ts(int i) {
        return START.toEpochMilli() + i * STEP;
    }

    static double value(int i) {
        return 100 + 10 * Math.sin(2 * Math.PI * i / 50.0);
    }

    static List<ForecastRecord> forecasts() {
        List<ForecastRecord> out = new ArrayList<>();
        for (int i = 0; i < POINTS; i++) {
            if (i >= FIRST_FORECAST) {
                double next = value(i + 1);
                out.add(new ForecastRecord("s1", Instant.ofEpochMilli(ts(i)), value(i), 1, false, 0.95,
                        List.of(new ForecastRecord.Step(Instant.ofEpochMilli(ts(i + 1)), next, next - HALF_WIDTH, next + HALF_WIDTH))));
            }
        }
        out.add(new ForecastRecord("s2", START, 1, 1, false, 0.95, List.of(new ForecastRecord.Step(START.plusMillis(STEP), 1, 0, 2))));
        return out;
    }

    static List<AnomalyRecord> anomalies() {
        return List.of(
                new AnomalyRecord("s1", Instant.ofEpochMilli(ts(ALERT_OPEN)), 130, 100, 92, 108, 1, AnomalyRecord.State.OPEN, 1, "spike"),
                new AnomalyRecord("s1", Instant.ofEpochMilli(ts(ALERT_RESOLVED)), 100, 100, 92, 108, 0.1, AnomalyRecord.State.RESOLVED, 1, "spike"));
    }

    /** Writes forecasts.jsonl and anomalies.jsonl into {@code dir}, which is returned. */
    static Path writeSimulateOutput(Path dir) throws IOException {
        Files.createDirectories(dir);
        ForecastJsonWriter writer = new ForecastJsonWriter();
        StringBuilder f = new StringBuilder();
        for (ForecastRecord r : forecasts()) {
            f.append(new String(writer.write(r))).append('\n');
        }
        Files.writeString(dir.resolve("forecasts.jsonl"), f);
        StringBuilder a = new StringBuilder();
        for (AnomalyRecord r : anomalies()) {
            a.append(new String(WireJson.write(r))).append('\n');
        }
        Files.writeString(dir.resolve("anomalies.jsonl"), a);
        return dir;
    }

    /** What plot draws of s1 from those files. */
    static PlotData s1() {
        long[] t = new long[POINTS - FIRST_FORECAST], bt = new long[t.length];
        double[] v = new double[t.length], mean = new double[t.length], lower = new double[t.length], upper = new double[t.length];
        for (int k = 0; k < t.length; k++) {
            int i = FIRST_FORECAST + k;
            t[k] = ts(i);
            v[k] = value(i);
            bt[k] = ts(i + 1);
            mean[k] = value(i + 1);
            lower[k] = mean[k] - HALF_WIDTH;
            upper[k] = mean[k] + HALF_WIDTH;
        }
        return new PlotData(new PlotData.Points(t, v), new PlotData.Band(bt, mean, lower, upper), 0.95,
                List.of(new PlotData.Span(ts(ALERT_OPEN), ts(ALERT_RESOLVED), "spike")), List.of());
    }

    /** The CLI's exit code and output. */
    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = ForecastCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}
