package org.forecaster.faults.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.WireJson;

/**
 * Test input from the bundled NAB sample ({@code deploy/local/samples}, MIT): the first rows of each series, all
 * put on one time axis (5-minute steps from {@link #T0}) so that the keys sharing a partition advance together, with
 * a few injected spikes so that alerts open and resolve.
 */
public final class Samples {
    public static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
    public static final Duration STEP = Duration.ofMinutes(5);
    public static final List<String> SERIES = List.of("art_daily_jumpsup", "ec2_cpu_utilization_77c1ca", "ec2_disk_write_bytes_c0d644");

    private Samples() {}

    /** The first {@code perSeries} values of each sample series, with spikes at steps 150-152 and, twice as large, 350-352. */
    public static Map<String, double[]> values(int perSeries) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String s : SERIES) {
            try {
                List<String> lines = Files.readAllLines(Jvm.ROOT.resolve("deploy/local/samples").resolve(s + ".csv"));
                double[] v = new double[perSeries];
                for (int i = 0; i < perSeries; i++) {
                    v[i] = Double.parseDouble(lines.get(1 + i).split(",")[1]);
                    // The second spike is twice the first: a new extreme for the novelty score. A repeat of the same
                    // size is inside the key's range, and the bundled model's intervals after the first are too wide
                    // for its tail score to alert on it, so the runs would have no alert to compare.
                    if (i >= 150 && i < 153) {
                        v[i] += 50 * (1 + Math.abs(v[i]));
                    } else if (i >= 350 && i < 353) {
                        v[i] += 100 * (1 + Math.abs(v[i]));
                    }
                }
                out.put(s, v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    public static Instant time(int step) {
        return T0.plus(STEP.multipliedBy(step));
    }

    /** Points as ingest-service would emit them (one per series and step, count 1), interleaved by step. */
    public static List<ProducerRecord<String, byte[]>> points(String topic, int perSeries) {
        Map<String, double[]> values = values(perSeries);
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        for (int i = 0; i < perSeries; i++) {
            for (String s : SERIES) {
                double v = values.get(s)[i];
                out.add(new ProducerRecord<>(topic, s, WireJson.write(new Point(s, time(i), time(i + 1), 1, v, v, v, v))));
            }
        }
        return out;
    }

    /**
     * Raw events for ingest-service with 5-minute windows: per series and step two events, at the window's start
     * ({@code v}) and two minutes in ({@code v + 0.5}), interleaved by step so every key's time advances together.
     */
    public static List<ProducerRecord<String, byte[]>> rawEvents(String topic, int perSeries) {
        Map<String, double[]> values = values(perSeries);
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        for (int i = 0; i < perSeries; i++) {
            for (String s : SERIES) {
                out.add(rawEvent(topic, s, time(i), values.get(s)[i]));
            }
            for (String s : SERIES) {
                out.add(rawEvent(topic, s, time(i).plus(Duration.ofMinutes(2)), values.get(s)[i] + 0.5));
            }
        }
        return out;
    }

    /**
     * One event per series a day after the last step: it advances stream time past every earlier window's end
     * and grace, so ingest emits them all (its own window stays open).
     */
    public static List<ProducerRecord<String, byte[]>> closingEvents(String topic, int perSeries) {
        return SERIES.stream().map(s -> rawEvent(topic, s, time(perSeries + 288), 0)).toList();
    }

    /** The point ingest must emit for {@link #rawEvents}' window {@code step} of {@code series}: count 2, their mean. */
    public static Point expectedPoint(String series, int step, double[] values) {
        double a = values[step], b = values[step] + 0.5;
        return new Point(series, time(step), time(step + 1), 2, (a + b) / 2, Math.min(a, b), Math.max(a, b), b);
    }

    private static ProducerRecord<String, byte[]> rawEvent(String topic, String series, Instant ts, double value) {
        String json = "{\"series\":\"" + series + "\",\"ts\":\"" + ts + "\",\"value\":" + value + "}";
        return new ProducerRecord<>(topic, series, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The bundled starter model (v1, LSTM hidden 32, 12 steps ahead, 5-minute step). */
    public static byte[] bootstrapModel() {
        try {
            return Files.readAllBytes(Jvm.ROOT.resolve("deploy/local/bootstrap-model.fcst"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
