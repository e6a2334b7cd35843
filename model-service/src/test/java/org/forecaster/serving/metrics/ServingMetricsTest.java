package org.forecaster.serving.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ServingMetricsTest {
    /** Each task scans only its own store: the gauges must sum tasks, not show whichever scanned last. */
    @Test
    void keyGaugesSumTheTasksOfThisInstance() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ServingMetrics metrics = new ServingMetrics(registry);
        metrics.keys("0_0", 300, 10);
        metrics.keys("0_1", 500, 2);
        metrics.keys("0_0", 320, 4); // a later scan of the same task replaces its figures
        assertEquals(820, registry.get("forecast.keys").gauge().value());
        assertEquals(6, registry.get("forecast.keys.cold").gauge().value());
        metrics.taskClosed("0_1");
        assertEquals(320, registry.get("forecast.keys").gauge().value());
        assertEquals(320, metrics.keys());
    }
}
