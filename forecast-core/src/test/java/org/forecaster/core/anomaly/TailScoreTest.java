package org.forecaster.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.forecaster.core.stats.Gaussian;
import org.junit.jupiter.api.Test;

class TailScoreTest {
    @Test
    void shouldMatchTheTailProbabilityWhereItIsRepresentable() {
        for (double z : new double[] {0.1, 1, 2.5, 5, 10, 20}) {
            assertEquals(-Math.log(Gaussian.twoSidedTail(z)), TailScore.surprise(z), 1e-6 * TailScore.surprise(z), "z " + z);
        }
    }

    @Test
    void shouldBeContinuousWhereTheAsymptoticFormTakesOver() {
        double below = TailScore.surprise(29.999999), above = TailScore.surprise(30.000001);
        assertEquals(below, above, 1e-3 * above);
    }

    @Test
    void shouldKeepOrderingDeviationsWhereOneMinusTheTailRoundsToOne() {
        TailScore s = new TailScore(TailScore.Spec.DEFAULT);
        double previous = 0;
        for (double z = 0.5; z < 200; z *= 1.5) {
            double score = s.update(0, 1, z);
            assertTrue(score > previous && score < 1, "z " + z + " scored " + score + " after " + previous);
            assertEquals(score, s.update(0, 1, -z), 0, "symmetric");
            previous = score;
        }
        assertEquals(1.0, 1 - Gaussian.twoSidedTail(9), 0, "the Stepper's score saturates here already");
    }

    @Test
    void shouldScoreHalfAtTheHalfSurpriseAndZeroWithoutAPrediction() {
        TailScore s = new TailScore(new TailScore.Spec(Math.log(1e4), 0));
        double z = Gaussian.quantile(1 - 0.5e-4); // two-sided tail 1e-4
        assertEquals(0.5, s.update(10, 2, 10 + 2 * z), 1e-5);
        assertEquals(0, s.update(Double.NaN, Double.NaN, 3));
        assertThrows(IllegalArgumentException.class, () -> new TailScore.Spec(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TailScore.Spec(1, -1));
    }

    @Test
    void shouldHalveEchoesThatDoNotExceedTheRecentPeakUntilTheWindowHasPassed() {
        TailScore plain = new TailScore(new TailScore.Spec(9.21, 0));
        TailScore s = new TailScore(new TailScore.Spec(9.21, 3));
        double big = plain.update(0, 1, 6), small = plain.update(0, 1, 4), bigger = plain.update(0, 1, 7);
        assertEquals(big, s.update(0, 1, 6), 0, "a first peak keeps its score");
        assertEquals(small / 2, s.update(0, 1, 4), 1e-15, "an echo below it is halved");
        assertEquals(big / 2, s.update(0, 1, 6), 1e-15, "an equal one too");
        assertEquals(bigger, s.update(0, 1, 7), 0, "a higher one is news");
        s.update(0, 1, 0);
        s.update(0, 1, 0);
        s.update(0, 1, 0);
        assertEquals(small, s.update(0, 1, 4), 0, "after 3 quiet points the peak is forgotten");
    }

    @Test
    void seasonalReferenceSilencesARepeatingEdgeButNotANewDeviation() {
        double width = 2, alpha = 0.5;
        TailScore plain = new TailScore(new TailScore.Spec(9.21, 0));
        TailScore s = new TailScore(new TailScore.Spec(9.21, 0, width, alpha));
        // Seasonal differences of 1, 1: the running mean absolute difference is 1, so the reference's spread is 2.
        assertEquals(plain.update(0, 1, 0.5), s.update(0, 1, 0.5, 1.5), 0, "no reference spread yet: the model's score");
        s.update(0, 1, 0.5, -0.5);
        // A sharp edge the model missed by 10 sigmas but that repeats last season's value: scored by the reference.
        double edge = s.update(0, 1, 10, 10);
        assertEquals(0, edge, 1e-12, "the value equals last season's");
        // A deviation from both: the smaller surprise, here the reference's (z = 6 / (2 * 1)) ...
        TailScore t = new TailScore(new TailScore.Spec(9.21, 0, width, alpha));
        t.update(0, 1, 0.5, 1.5);
        t.update(0, 1, 0.5, -0.5);
        double l = TailScore.surprise(6.0 / 2);
        assertEquals(l / (l + 9.21), t.update(0, 1, 10, 4), 1e-12);
        // ... and without a known seasonal value (NaN) the model's score alone.
        assertEquals(plain.update(0, 1, 10), t.update(0, 1, 10, Double.NaN), 0);
        assertThrows(IllegalArgumentException.class, () -> new TailScore.Spec(9.21, 0, -1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new TailScore.Spec(9.21, 0, 1, 0));
    }

    @Test
    void shouldTakeAnExactRepeatOfTheSeasonBeforeAsNoSurpriseEvenWithoutSpread() {
        TailScore s = new TailScore(new TailScore.Spec(9.21, 0, 2, 0.01));
        // Noise-free: every seasonal difference so far is 0, and the model misses the edge by many sigmas.
        for (int t = 0; t < 50; t++) {
            s.update(80, 1e-3, 80, 80f);
        }
        assertEquals(0, s.update(80, 1e-3, 32.000001, (float) 32.000001), 0, "the value of a day ago, read back as a float");
        assertEquals(1, s.update(80, 1e-3, 33, 32), 1e-3, "any difference to a spread of 0 is news");
    }
}
