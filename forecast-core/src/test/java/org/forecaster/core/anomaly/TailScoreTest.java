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

    /**
     * -ln P(|Z| >= z) against values computed with mpmath at 40 digits ({@code -log(erfc(z/sqrt(2)))}); the tails
     * agree with published tables (P(|Z| >= 1) = 0.317310507862914, 1.96: 0.0499957902964409, 3:
     * 0.00269979606326019, 5: 5.73303143758388e-7, 8: 1.24419211485436e-15). Below 30 the score comes from
     * {@link Gaussian#erfc} (fractional error 1.2e-7, so absolute 1.2e-7 here); from 30 on from the leading Mills-ratio
     * term, which omits {@code -ln(1 - 1/z^2 + ...)}, about {@code 1/z^2}: a dropped or sign-flipped
     * {@code ln sqrt(2/pi)} (0.226) or {@code ln z} is 200 times that tolerance at z = 30.5.
     */
    @Test
    void shouldMatchTabulatedStandardNormalTailsOnBothSidesOfTheAsymptoticSwitch() {
        double[][] zAndSurprise = {
            {1, 1.1478744644493182}, {1.96, 2.9958164711696933}, {3, 5.914579040950404}, {5, 14.37185121342878},
            {8, 34.320289979354605}, {10, 52.53813796995253}, {20, 203.22400819053732},
            {30.5, 468.76959014235217}, {40, 803.9152948331938}, {100, 5004.831061513645}, {1000, 500007.1335476316},
        };
        for (double[] row : zAndSurprise) {
            double z = row[0], tol = z < 30 ? 2e-7 : 1.2 / (z * z);
            assertEquals(row[1], TailScore.surprise(z), tol, "z " + z);
            assertEquals(row[1], TailScore.surprise(-z), tol, "z " + -z);
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
