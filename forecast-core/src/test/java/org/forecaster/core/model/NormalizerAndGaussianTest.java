package org.forecaster.core.model;

import org.forecaster.core.stats.Gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NormalizerAndGaussianTest {

    @Test
    void earlyPointsAverageExactlyThenTheWeightFloorTakesOver() {
        Normalizer n = new Normalizer(new NormalizerSpec(0.1, 1e-3));
        n.update(2);
        n.update(4);
        n.update(6);
        assertEquals(4.0, n.mean(), 1e-12);
        assertEquals(8.0 / 3, n.variance(), 1e-12, "population variance of 2, 4, 6");
        for (int i = 0; i < 200; i++) {
            n.update(100);
        }
        assertEquals(100.0, n.mean(), 1e-6, "an exponential average forgets the start");
        assertEquals(1e-3 * 101, n.scale(), 1e-6, "flat series: the scale floor");
        assertEquals(100.0 + 2 * n.scale(), n.denormalize(n.normalize(100.0 + 2 * n.scale())), 1e-9);
    }

    @Test
    void gaussianFunctionsMatchKnownValues() {
        assertEquals(0.5, Gaussian.cdf(0), 1e-7);
        assertEquals(0.9750021048517795, Gaussian.cdf(1.96), 2e-7);
        assertEquals(1.959963984540054, Gaussian.quantile(0.975), 1e-6);
        assertEquals(-2.326347874040841, Gaussian.quantile(0.01), 1e-6);
        assertEquals(0.0026997960632601866, Gaussian.twoSidedTail(3), 1e-9);
        assertEquals(1.0, Gaussian.twoSidedTail(0), 1e-7);
        assertTrue(Gaussian.twoSidedTail(40) >= 0);
    }

    @Test
    void featuresEncodeTimeOfDayAndWeekAndClipTheValue() {
        float[] f = new float[Features.COUNT];
        long monday6h = java.time.Instant.parse("2024-01-01T06:00:00Z").toEpochMilli(); // a Monday
        Features.fill(f, 0, 100, false, monday6h);
        assertEquals(Features.CLIP, f[0]);
        assertEquals(0f, f[1]);
        assertEquals(1f, f[2], 1e-6f, "06:00 is a quarter of the day");
        assertEquals(0f, f[3], 1e-6f);
        double weekPhase = 0.25 / 7;
        assertEquals((float) Math.sin(2 * Math.PI * weekPhase), f[4], 1e-6f);
        Features.fill(f, 0, -0.5, true, monday6h);
        assertEquals(-0.5f, f[0]);
        assertEquals(1f, f[1]);
    }
}
