package org.forecaster.cli;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import org.apache.kafka.common.utils.Utils;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointBinary;
import org.forecaster.core.wire.PointFormat;
import org.forecaster.core.wire.WireJson;

/**
 * The open-loop plan of a {@code load} run, as a pure function of its parameters: which event goes when, with
 * which series, event time and value, and which later event closes its window.
 *
 * <p>Events are numbered 0, 1, 2, ... and go round-robin over the series: event {@code e} belongs to series
 * {@code e % series} and is that series' window {@code e / series} ("round"). It is due {@code e / rate}
 * seconds after the start, whatever happened to the events before it (open loop). Its event time is the last
 * millisecond of its window, {@code firstWindow + (round + 1) * step - 1}, so the next round's events lie at
 * least {@code step - 1 ms} past each window's end: with any ingest grace shorter than that, a series' event of
 * the next round advances that series' own event time past the window's end plus grace and closes its window
 * (ingest keeps event time per series).
 */
final class LoadSchedule {
    /** Events per run are numbered with ints in the duplicate check (a BitSet). */
    static final long MAX_EVENTS = Integer.MAX_VALUE;

    private final int series;
    private final double rate;
    private final long stepMillis;
    private final long firstWindowMillis;
    private final String prefix;
    /** Points mode: each event is a finished window for telemetry.points, so it answers itself (no closing event). */
    private final boolean points;
    /** Points mode: the form the points are sent in. */
    private final PointFormat pointsFormat;
    private final String[] ids;
    private final int[] partitionOf;

    /**
     * @param series            number of series (keys), at least 1
     * @param rate              aggregate events per second, positive
     * @param stepMillis        window length (the ingest service's window step), positive
     * @param firstWindowMillis start of round 0's windows, a multiple of {@code stepMillis} since the epoch
     * @param prefix            series ids are {@code prefix + index}
     * @param partitions        partitions of the raw topic, at least 1
     */
    LoadSchedule(int series, double rate, long stepMillis, long firstWindowMillis, String prefix, int partitions) {
        this(series, rate, stepMillis, firstWindowMillis, prefix, partitions, false, PointFormat.BINARY);
    }

    /**
     * @param points true: events are points for {@code telemetry.points} (one per window, bypassing ingest), each
     *               answered by its own forecast; false: raw events, each window closed by the next round's event
     * @param pointsFormat the form of the points in points mode (binary, or the JSON of releases before issue 18)
     */
    LoadSchedule(int series, double rate, long stepMillis, long firstWindowMillis, String prefix, int partitions, boolean points,
                 PointFormat pointsFormat) {
        if (series < 1 || !(rate > 0) || !Double.isFinite(rate) || stepMillis < 2 || partitions < 1) {
            throw new IllegalArgumentException("bad load schedule: " + series + " series, rate " + rate + "/s, step " + stepMillis
                    + " ms, " + partitions + " partitions");
        }
        if (Math.floorMod(firstWindowMillis, stepMillis) != 0) {
            throw new IllegalArgumentException("first window " + firstWindowMillis + " ms is not a multiple of the step " + stepMillis
                    + " ms (windows are aligned to the epoch)");
        }
        this.series = series;
        this.rate = rate;
        this.stepMillis = stepMillis;
        this.firstWindowMillis = firstWindowMillis;
        this.prefix = prefix;
        this.points = points;
        this.pointsFormat = java.util.Objects.requireNonNull(pointsFormat, "pointsFormat");
        this.ids = new String[series];
        this.partitionOf = new int[series];
        for (int s = 0; s < series; s++) {
            ids[s] = prefix + s;
            partitionOf[s] = partitionForKey(ids[s], partitions);
        }
    }

    /** The partition Kafka's default partitioner gives a keyed record (murmur2 of the key bytes). */
    static int partitionForKey(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    int series() {
        return series;
    }

    double rate() {
        return rate;
    }

    long stepMillis() {
        return stepMillis;
    }

    long firstWindowMillis() {
        return firstWindowMillis;
    }

    /** Events in a run of {@code seconds}: {@code floor(rate * seconds)}. */
    long eventsIn(double seconds) {
        return (long) Math.floor(rate * seconds);
    }

    int seriesOf(long event) {
        return (int) (event % series);
    }

    long roundOf(long event) {
        return event / series;
    }

    String seriesId(int s) {
        return ids[s];
    }

    int partitionOf(int s) {
        return partitionOf[s];
    }

    /** Nanoseconds after the start at which the event is due. */
    long dueNanos(long event) {
        return (long) (event * (1e9 / rate));
    }

    /** Event time (epoch ms) of the event: the last millisecond of its window. */
    long eventTimeMillis(long event) {
        return windowStartMillis(roundOf(event)) + stepMillis - 1;
    }

    long windowStartMillis(long round) {
        return firstWindowMillis + round * stepMillis;
    }

    /** The event of series {@code s} in {@code round}. */
    long eventOf(int s, long round) {
        return round * series + s;
    }

    /**
     * The series index of a key made by this schedule, or -1 for any other key (another producer's series, or a
     * run with another prefix or fewer series).
     */
    int seriesIndex(String key) {
        if (key == null || !key.startsWith(prefix) || key.length() == prefix.length() || key.length() > prefix.length() + 10) {
            return -1;
        }
        long s = 0;
        for (int i = prefix.length(); i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9' || (c == '0' && i == prefix.length() && key.length() > i + 1)) {
                return -1;
            }
            s = s * 10 + (c - '0');
        }
        return s < series ? (int) s : -1;
    }

    /**
     * The round of the window starting at {@code windowStartMillis}, or -1 when that is before the first window or
     * not on the window grid (so not this run's).
     */
    long roundOfWindow(long windowStartMillis) {
        long offset = windowStartMillis - firstWindowMillis;
        return offset < 0 || offset % stepMillis != 0 ? -1 : offset / stepMillis;
    }

    /**
     * The event that closes the window of series {@code s} in {@code round}: the series' own event of the next round,
     * whose event time carries the series' event time past the window.
     */
    long closingEvent(int s, long round) {
        return points ? eventOf(s, round) : eventOf(s, round + 1);
    }

    /** How many windows the first {@code sent} events close: each window whose {@link #closingEvent} was sent. */
    long closedWindows(long sent) {
        if (points) {
            return sent;
        }
        long total = 0;
        for (int s = 0; s < series && s < sent; s++) {
            total += (sent - 1 - s) / series;  // series s sent rounds 0..(sent-1-s)/series; each but the last is closed
        }
        return total;
    }

    /**
     * The record value of event {@code event}: the raw event's JSON ({@code {"series","ts","value"}} with ts in epoch
     * ms, as {@code RawEvent} accepts), or in points mode the {@link Point} of its window with that value as mean,
     * min, max and last, in the schedule's point format. The value is a daily season in event time with a per-series
     * level and phase, plus Gaussian noise from {@code random}. Thread-safe.
     */
    byte[] event(long event, SplittableRandom random) {
        int s = seriesOf(event);
        long ts = eventTimeMillis(event);
        double dayFraction = Math.floorMod(ts, 86_400_000L) / 86_400_000.0;
        double value = Math.round((100 + 10 * (s % 10) + 20 * Math.sin(2 * Math.PI * dayFraction + (s % 24) * (Math.PI / 12))
                + 2 * random.nextGaussian()) * 1e4) / 1e4;
        if (points) {
            long start = windowStartMillis(roundOf(event));
            Point p = new Point(ids[s], Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + stepMillis), 1, value, value, value, value);
            return pointsFormat == PointFormat.JSON ? WireJson.write(p) : PointBinary.write(p);
        }
        return ("{\"series\":\"" + ids[s] + "\",\"ts\":" + ts + ",\"value\":" + value + "}").getBytes(StandardCharsets.UTF_8);
    }
}
