package org.forecaster.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntervalShapeTest {

    @Test
    void shouldRoundTripThroughTheHeaderMetricsWithoutTheFirstStep() {
        IntervalShape shape = IntervalShape.of(1, 0.97, 0.9, 0.85);
        Map<String, Double> metrics = new HashMap<>(Map.of("val.loss", -0.8));
        shape.putInto(metrics);
        assertEquals(Map.of("val.loss", -0.8, "interval.shape.h2", 0.97, "interval.shape.h3", 0.9, "interval.shape.h4", 0.85),
                metrics);
        assertEquals(shape, IntervalShape.fromMetrics(metrics, 4));
    }

    @Test
    void shouldBeFlatWhereTheHeaderHasNoEntryAsAnOlderModelsHeaderHasNone() {
        assertEquals(IntervalShape.flat(3), IntervalShape.fromMetrics(Map.of("val.loss", -0.8), 3));
        assertEquals(IntervalShape.of(1, 1, 0.8), IntervalShape.fromMetrics(Map.of("interval.shape.h3", 0.8), 3));
    }

    @Test
    void shouldRefuseFactorsOutOfBoundsAndEntriesOfNoHorizon() {
        assertThrows(IllegalArgumentException.class, () -> IntervalShape.of(0.9, 1));
        assertThrows(IllegalArgumentException.class, () -> IntervalShape.of(1, 0.2));
        assertThrows(IllegalArgumentException.class, () -> IntervalShape.of(1, Double.NaN));
        for (String key : new String[] {"interval.shape.h1", "interval.shape.h5", "interval.shape.h02", "interval.shape.hx"}) {
            assertThrows(IllegalArgumentException.class, () -> IntervalShape.fromMetrics(Map.of(key, 1.0), 4), key);
        }
        assertThrows(IllegalArgumentException.class, () -> IntervalShape.fromMetrics(Map.of("interval.shape.h2", 4.5), 4));
    }
}
