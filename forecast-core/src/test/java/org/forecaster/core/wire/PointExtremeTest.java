package org.forecaster.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link Point#extreme}: what the alert kinds' window outliers are judged by, and when a point has none. */
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
}
