package org.forecaster.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Point#extreme}: what the alert kinds' window outliers are judged by, and when a point has none; and {@link
 * Point#trimmedMean}, what the anomaly score and the other kinds judge a window by.
 */
class PointExtremeTest {
    @Test
    void isTheLargestDistanceOfAnEventFromTheMean() {
        assertEquals(7.0, Point.extreme(5, 10, 8, 17), 0);
        assertEquals(4.0, Point.extreme(5, 10, 6, 11), 0);
        assertEquals(0.0, Point.extreme(3, 2.5, 2.5, 2.5), 0, "equal events");
    }

    @Test
    void isNaNForTooFewEventsOrAMinAndMaxThatDoNotBracketTheMean() {
        assertTrue(Double.isNaN(Point.extreme(2, 10, 8, 12)), "two events are equally far from their mean");
        assertTrue(Double.isNaN(Point.extreme(1, 10, 10, 10)));
        assertTrue(Double.isNaN(Point.extreme(5, 10, 11, 12)), "min above the mean");
        assertTrue(Double.isNaN(Point.extreme(5, 10, 8, 9)), "max below the mean");
        assertTrue(Double.isNaN(Point.extreme(5, 10, Double.NaN, 12)));
        assertTrue(Double.isNaN(Point.extreme(5, -Double.MAX_VALUE / 2, -Double.MAX_VALUE, Double.MAX_VALUE)), "overflows");
    }

    /** A producer of its own points may leave out min and max, which then read as 0: no extreme, not |mean|. */
    @Test
    void isNaNForAPointWrittenWithoutMinAndMax() {
        Point p = PointJsonReader.read(("{\"series\":\"s\",\"windowStart\":\"2025-01-01T00:00:00Z\","
                + "\"windowEnd\":\"2025-01-01T00:05:00Z\",\"count\":5,\"mean\":42.5}").getBytes(StandardCharsets.UTF_8));
        assertEquals(42.5, p.mean(), 0);
        assertTrue(Double.isNaN(p.extreme()), "extreme " + p.extreme());
    }

    @Test
    void trimmedMeanIsTheMeanOfTheEventsWithoutTheLowestAndHighest() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 10_000; i++) {
            int n = 3 + r.nextInt(20);
            double[] events = new double[n];
            double sum = 0;
            for (int j = 0; j < n; j++) {
                events[j] = r.nextDouble(-1e3, 1e3) * (r.nextDouble() < 0.1 ? 100 : 1);
                sum += events[j];
            }
            double[] sorted = events.clone();
            Arrays.sort(sorted);
            double middle = 0;
            for (int j = 1; j < n - 1; j++) {
                middle += sorted[j];
            }
            middle /= n - 2;
            double trimmed = Point.trimmedMean(n, sum / n, sorted[0], sorted[n - 1]);
            assertEquals(middle, trimmed, 1e-9 * (Math.abs(sorted[0]) + Math.abs(sorted[n - 1])), "events " + Arrays.toString(events));
            assertTrue(trimmed >= sorted[0] && trimmed <= sorted[n - 1]);
        }
    }

    @Test
    void trimmedMeanLeavesOutOneWildScrapeAndKeepsEqualEventsExact() {
        assertEquals(10.0, Point.trimmedMean(5, (10 + 10 + 10 + 9 + 1011) / 5.0, 9, 1011), 1e-12, "the wild scrape and the lowest out");
        assertEquals(0.1f, Point.trimmedMean(7, 0.1f, 0.1f, 0.1f), 0, "a flatline's equal events, to the bit");
        assertEquals(5.0, Point.trimmedMean(3, 4, 1, 6), 1e-12, "the median of three");
    }

    @Test
    void trimmedMeanIsTheMeanWhenTheWindowCannotBeTrimmed() {
        assertEquals(10.0, Point.trimmedMean(2, 10, 8, 12), 0, "two events");
        assertEquals(10.0, Point.trimmedMean(1, 10, 10, 10), 0);
        assertEquals(10.0, Point.trimmedMean(5, 10, 0, 0), 0, "written without min and max");
        assertEquals(10.0, Point.trimmedMean(5, 10, Double.NaN, 12), 0);
    }
}
