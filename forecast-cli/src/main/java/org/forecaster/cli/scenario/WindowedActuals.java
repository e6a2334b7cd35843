package org.forecaster.cli.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.forecaster.cli.Progress;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.RawEventParser;

/**
 * What the ingest service makes of a raw events file: every line checked by ingest's own {@link RawEventParser}
 * (rejected lines counted by reason, as ingest dead-letters them), and per series the mean of the accepted values
 * in each window {@code [k * step, (k + 1) * step)} since the epoch, on one grid shared by all series from the
 * earliest event's window to the latest's, with its events' count, lowest and highest value as the ingest's point
 * carries them.
 * A window without events is NaN.
 */
final class WindowedActuals {
    /** Event times are checked against a clock this far away, so a scenario in any year is accepted as ingest would at its time. */
    private static final InstantSource FAR_FUTURE = InstantSource.fixed(Instant.parse("9000-01-01T00:00:00Z"));

    private final long gridStartMillis;
    private final long stepMillis;
    private final int windows;
    private final Map<String, double[]> means;
    private final Map<String, Events> events;
    private final long accepted;
    private final Map<String, Long> rejectedByReason;

    private WindowedActuals(long gridStartMillis, long stepMillis, int windows, Map<String, double[]> means,
                            Map<String, Events> events, long accepted, Map<String, Long> rejectedByReason) {
        this.gridStartMillis = gridStartMillis;
        this.stepMillis = stepMillis;
        this.windows = windows;
        this.means = means;
        this.events = events;
        this.accepted = accepted;
        this.rejectedByReason = rejectedByReason;
    }

    /** Reads {@code file} twice (span, then sums), so memory grows with series x windows, not with events. */
    static WindowedActuals read(Path file, Duration step) throws IOException {
        return read(file, step, Progress.none());
    }

    /** The same, counting the lines of both passes over the file on {@code progress} (the second has a known total). */
    static WindowedActuals read(Path file, Duration step, Progress progress) throws IOException {
        long stepMillis = step.toMillis();
        progress.restart("events pass 1/2", -1);
        RawEventParser parser = new RawEventParser(RawEventParser.Limits.DEFAULT, FAR_FUTURE);
        long[] span = {Long.MAX_VALUE, Long.MIN_VALUE};
        Map<String, Integer> seriesIndex = new HashMap<>();
        Map<String, Long> rejected = new TreeMap<>();
        long[] acceptedCount = {0};
        long[] lines = {0};
        forEachLine(file, line -> {
            progress.advance();
            lines[0]++;
            RawEventParser.Result r = parser.parse(line, null);
            if (r.valid()) {
                long ts = r.event().ts().toEpochMilli();
                span[0] = Math.min(span[0], ts);
                span[1] = Math.max(span[1], ts);
                seriesIndex.putIfAbsent(r.event().series(), seriesIndex.size());
                acceptedCount[0]++;
            } else {
                rejected.merge(r.rejection().reason(), 1L, Long::sum);
            }
        });
        if (acceptedCount[0] == 0) {
            throw new IllegalArgumentException(file + " holds no valid raw event");
        }
        long gridStart = Math.floorDiv(span[0], stepMillis) * stepMillis;
        long windowCount = Math.floorDiv(span[1], stepMillis) - Math.floorDiv(span[0], stepMillis) + 1;
        if (windowCount * seriesIndex.size() > 200_000_000L) {
            throw new IllegalArgumentException(file + " spans " + windowCount + " windows of " + step + " for " + seriesIndex.size()
                    + " series: too many to score at once (wrong --step?)");
        }
        int windows = (int) windowCount;
        double[][] sums = new double[seriesIndex.size()][windows];
        int[][] counts = new int[seriesIndex.size()][windows];
        double[][] mins = new double[seriesIndex.size()][windows], maxs = new double[seriesIndex.size()][windows];
        progress.restart("events pass 2/2", lines[0]);
        forEachLine(file, line -> {
            progress.advance();
            RawEventParser.Result r = parser.parse(line, null);
            if (r.valid()) {
                RawEvent e = r.event();
                int s = seriesIndex.get(e.series());
                int w = (int) ((e.ts().toEpochMilli() - gridStart) / stepMillis);
                sums[s][w] += e.value();
                mins[s][w] = counts[s][w] == 0 ? e.value() : Math.min(mins[s][w], e.value());
                maxs[s][w] = counts[s][w] == 0 ? e.value() : Math.max(maxs[s][w], e.value());
                counts[s][w]++;
            }
        });
        Map<String, double[]> means = new TreeMap<>();
        Map<String, Events> events = new HashMap<>();
        seriesIndex.forEach((id, s) -> {
            double[] m = new double[windows];
            for (int w = 0; w < windows; w++) {
                m[w] = counts[s][w] == 0 ? Double.NaN : sums[s][w] / counts[s][w];
            }
            means.put(id, m);
            events.put(id, new Events(counts[s], mins[s], maxs[s]));
        });
        return new WindowedActuals(gridStart, stepMillis, windows, means, events, acceptedCount[0], rejected);
    }

    private interface LineConsumer {
        void accept(byte[] line);
    }

    private static void forEachLine(Path file, LineConsumer consumer) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    consumer.accept(line.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    long gridStartMillis() {
        return gridStartMillis;
    }

    long stepMillis() {
        return stepMillis;
    }

    int windows() {
        return windows;
    }

    /** Series ids in order. */
    List<String> series() {
        return new ArrayList<>(means.keySet());
    }

    boolean has(String series) {
        return means.containsKey(series);
    }

    /** The window means of one series (a copy), index {@code k} for the window starting at {@link #windowStart}(k). */
    double[] means(String series) {
        double[] m = means.get(series);
        if (m == null) {
            throw new IllegalArgumentException("no events for series " + series);
        }
        return Arrays.copyOf(m, m.length);
    }

    /** Per window of a series, as {@link #means}: its accepted events' count, lowest and highest value (0 and 0 when none). */
    record Events(int[] counts, double[] mins, double[] maxs) {}

    /** The window events of one series (shared, not copied), as {@link #means}. */
    Events events(String series) {
        Events e = events.get(series);
        if (e == null) {
            throw new IllegalArgumentException("no events for series " + series);
        }
        return e;
    }

    /** The window index of an instant, or -1 when it is not a window start on the grid. */
    int windowOf(Instant windowStart) {
        long offset = windowStart.toEpochMilli() - gridStartMillis;
        if (offset < 0 || offset % stepMillis != 0 || offset / stepMillis >= windows) {
            return -1;
        }
        return (int) (offset / stepMillis);
    }

    Instant windowStart(int index) {
        return Instant.ofEpochMilli(gridStartMillis + index * stepMillis);
    }

    long acceptedEvents() {
        return accepted;
    }

    /** Lines ingest would reject, by its rejection reason. */
    Map<String, Long> rejectedByReason() {
        return rejectedByReason;
    }
}
