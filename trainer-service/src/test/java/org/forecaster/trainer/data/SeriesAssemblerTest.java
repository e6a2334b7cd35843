package org.forecaster.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.forecaster.core.train.Series;
import org.forecaster.core.wire.Point;
import org.junit.jupiter.api.Test;

class SeriesAssemblerTest {
    private static final long STEP = 60_000;
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private static Point p(String id, int step, double v) {
        Instant s = T0.plusMillis(step * STEP);
        return new Point(id, s, s.plusMillis(STEP), 1, v, v, v, v);
    }

    @Test
    void shouldPlacePointsOnTheGridWithGapsAsNaNAndLaterDuplicatesWinning() {
        SeriesAssembler a = new SeriesAssembler(STEP, 10, 100, 3, 1);
        a.add(p("a", 0, 1));
        a.add(p("a", 1, 2));
        a.add(p("a", 4, 5));
        a.add(p("a", 1, 20)); // re-delivered window: the later record wins
        a.add(new Point("a", T0.plusMillis(2 * STEP + 5), T0, 1, 3, 3, 3, 3)); // off-grid start: floored to step 2

        History h = a.build(5);

        Series s = h.series().getFirst();
        assertEquals(T0.toEpochMilli(), s.startMillis());
        assertArrayEquals(new float[] {1, 20, 3, Float.NaN, 5}, s.values());
        assertEquals(T0, h.from());
        assertEquals(T0.plusMillis(5 * STEP), h.to());
    }

    /** A window of several events keeps its trimmed mean beside its mean: the profile learns it in training as in serving. */
    @Test
    void shouldKeepEachWindowsTrimmedMeanBesideItsMean() {
        SeriesAssembler a = new SeriesAssembler(STEP, 10, 100, 3, 1);
        a.add(p("a", 0, 1));
        a.add(new Point("a", T0.plusMillis(STEP), T0.plusMillis(2 * STEP), 5, 4, 0, 16, 2)); // trimmed (20 - 16) / 3
        a.add(new Point("a", T0.plusMillis(3 * STEP), T0.plusMillis(4 * STEP), 2, 7, 6, 8, 8)); // two events: the mean

        Series s = a.build(3).series().getFirst();
        assertArrayEquals(new float[] {1, 4, Float.NaN, 7}, s.values());
        assertArrayEquals(new float[] {1, 4f / 3, Float.NaN, 7}, s.trimmed());
    }

    @Test
    void shouldKeepOnlyTheMostRecentPointsPerSeries() {
        SeriesAssembler a = new SeriesAssembler(STEP, 10, 4, 3, 1);
        for (int t = 0; t < 10; t++) {
            a.add(p("a", t, t));
        }
        Series s = a.build(10).series().getFirst();
        assertEquals(T0.toEpochMilli() + 6 * STEP, s.startMillis());
        assertArrayEquals(new float[] {6, 7, 8, 9}, s.values());
    }

    @Test
    void shouldDropShortSeriesAndMalformedPoints() {
        SeriesAssembler a = new SeriesAssembler(STEP, 10, 100, 5, 1);
        for (int t = 0; t < 4; t++) {
            a.add(p("short", t, t));
        }
        for (int t = 0; t < 6; t++) {
            a.add(p("long", t, t));
        }
        a.add(p("long", 7, Double.NaN));
        a.add(new Point(null, T0, T0, 1, 1, 1, 1, 1));
        History h = a.build(12);
        assertEquals(List.of("long"), h.series().stream().map(Series::id).toList());
        assertEquals(6, h.series().getFirst().length());
        assertEquals(2, a.skipped());
    }

    @Test
    void shouldCapSeriesBySeededHashIndependentlyOfArrivalOrder() {
        List<Point> points = new ArrayList<>();
        for (int s = 0; s < 50; s++) {
            for (int t = 0; t < 5; t++) {
                points.add(p("key-" + s, t, s));
            }
        }
        List<String> first = ids(points, 7);
        Collections.shuffle(points, new Random(3));
        List<String> shuffled = ids(points, 7);

        assertEquals(10, first.size());
        assertEquals(first, shuffled, "selection must not depend on arrival order");
        assertNotEquals(first, ids(points, 8), "another seed samples other series");
        assertTrue(first.stream().sorted().toList().equals(first), "series are ordered by id");
    }

    private static List<String> ids(List<Point> points, long seed) {
        SeriesAssembler a = new SeriesAssembler(STEP, 10, 100, 3, seed);
        points.forEach(a::add);
        return a.build(points.size()).series().stream().map(Series::id).toList();
    }
}
