package org.forecaster.ingest.topology;

import static org.forecaster.ingest.topology.TopologyFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.forecaster.core.wire.Point;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * For random multi-key streams whose disorder stays within grace, the emitted points equal a direct
 * computation over the same events: every window, nothing dead-lettered, nothing extra.
 */
class WindowPropertyTest {
    @TempDir
    Path stateDir;

    record Sent(String series, long ts, double value) {}

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20240501, 987654321})
    void shouldEmitTheDirectAggregateOfEveryWindowForStreamsWithinGrace(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long step = TopologyFixture.STEP.toMillis();
        long grace = TopologyFixture.GRACE.toMillis();
        int keys = 1 + rnd.nextInt(12);
        List<Sent> sent = new ArrayList<>();
        long cursor = T0.toEpochMilli();
        long streamTime = Long.MIN_VALUE;
        for (int i = 0; i < 600; i++) {
            cursor += rnd.nextLong(0, 400);
            // Out of order by less than grace behind the newest event so far: never late.
            long ts = Math.max(cursor - rnd.nextLong(0, grace), streamTime == Long.MIN_VALUE ? cursor : streamTime - grace + 1);
            double value = rnd.nextInt(4) == 0 ? rnd.nextInt(5) : rnd.nextDouble(-1e3, 1e3);
            sent.add(new Sent("s" + rnd.nextInt(keys), ts, value));
            streamTime = Math.max(streamTime, ts);
        }
        List<Point> out;
        try (TopologyFixture f = new TopologyFixture(stateDir)) {
            for (Sent s : sent) {
                f.send(s.series(), Instant.ofEpochMilli(s.ts()), s.value());
            }
            // Every series then goes quiet: the idle close emits each one's remaining windows.
            f.driver.advanceWallClockTime(TopologyFixture.IDLE_CLOSE.multipliedBy(2));
            out = f.points();
            assertTrue(f.dlq.isEmpty(), "seed " + seed + ": nothing is late");
        }

        Map<String, double[]> expected = new TreeMap<>(); // series@start -> count, sum, min, max, last, lastTs
        for (Sent s : sent) {
            long start = s.ts() - Math.floorMod(s.ts(), step);
            double[] a = expected.computeIfAbsent(s.series() + "@" + start,
                    k -> new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Long.MIN_VALUE});
            a[0]++;
            a[1] += s.value();
            a[2] = Math.min(a[2], s.value());
            a[3] = Math.max(a[3], s.value());
            if (s.ts() >= a[5]) {
                a[4] = s.value();
                a[5] = s.ts();
            }
        }
        Map<String, Point> actual = new TreeMap<>();
        for (Point p : out) {
            Point before = actual.put(p.series() + "@" + p.windowStart().toEpochMilli(), p);
            assertEquals(null, before, "seed " + seed + ": window emitted twice: " + p);
        }
        assertEquals(expected.keySet(), actual.keySet(), "seed " + seed + ": windows");
        for (var e : expected.entrySet()) {
            double[] a = e.getValue();
            Point p = actual.get(e.getKey());
            String where = "seed " + seed + " " + e.getKey();
            assertEquals((long) a[0], p.count(), where);
            assertEquals(a[1] / a[0], p.mean(), 1e-9 * Math.max(1, Math.abs(a[1] / a[0])), where);
            assertEquals(a[2], p.min(), where);
            assertEquals(a[3], p.max(), where);
            assertEquals(a[4], p.last(), where);
            assertEquals(p.windowStart().plus(TopologyFixture.STEP), p.windowEnd(), where);
        }
    }

    /**
     * Issue 16: with random interleavings of many series, where some series backfill old data, some run far ahead
     * (a skewed clock) and each is out of order by up to twice the grace, every series' points and dead letters are
     * exactly those it produces when sent alone.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {5, 6, 7, 99, 4242})
    void shouldWindowEachSeriesAsIfItWereAloneWhateverTheOtherSeriesDo(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long step = TopologyFixture.STEP.toMillis(), grace = TopologyFixture.GRACE.toMillis();
        int keys = 2 + rnd.nextInt(10);
        Map<String, List<Sent>> perSeries = new TreeMap<>();
        for (int k = 0; k < keys; k++) {
            // A series starts anywhere from 2 hours back (a backfill) to 25 minutes ahead (a skewed clock).
            long cursor = T0.toEpochMilli() + rnd.nextLong(-7_200_000, 1_500_000);
            List<Sent> events = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                cursor += rnd.nextLong(0, 900);
                events.add(new Sent("s" + k, cursor - rnd.nextLong(0, 2 * grace), rnd.nextDouble(-100, 100)));
            }
            perSeries.put("s" + k, events);
        }
        // Interleave: repeatedly take the next event of a random series that still has some.
        List<Sent> interleaved = new ArrayList<>();
        Map<String, Integer> next = new TreeMap<>();
        List<String> open = new ArrayList<>(perSeries.keySet());
        while (!open.isEmpty()) {
            String k = open.get(rnd.nextInt(open.size()));
            int i = next.merge(k, 1, Integer::sum) - 1;
            interleaved.add(perSeries.get(k).get(i));
            if (i + 1 == perSeries.get(k).size()) {
                open.remove(k);
            }
        }
        Map<String, List<String>> together = run(interleaved);
        for (var e : perSeries.entrySet()) {
            Map<String, List<String>> alone = run(e.getValue());
            assertEquals(alone.get(e.getKey()), together.get(e.getKey()), "seed " + seed + ": series " + e.getKey()
                    + " (points, then late events)");
        }
    }

    /** Per series: its points as text, then its dead-lettered event times, after every series has gone quiet. */
    private Map<String, List<String>> run(List<Sent> events) {
        Map<String, List<String>> out = new TreeMap<>();
        try (TopologyFixture f = new TopologyFixture(stateDir.resolve("run-" + System.nanoTime()))) {
            for (Sent s : events) {
                f.send(s.series(), Instant.ofEpochMilli(s.ts()), s.value());
            }
            f.driver.advanceWallClockTime(TopologyFixture.IDLE_CLOSE.multipliedBy(2));
            for (Point p : f.points()) {
                out.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p.toString());
            }
            for (var r : f.dlq.readRecordsToList()) {
                String json = new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
                out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add("late " + json);
            }
        }
        return out;
    }
}
