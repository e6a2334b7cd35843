package org.forecaster.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link Gaussian} against tabulated standard normal values (computed with mpmath at 40 digits; they agree with
 * published tables to the digits those give). Tolerances follow the stated accuracy of the approximations: 1.2e-7
 * fractional for {@link Gaussian#erfc}, so a wrong coefficient or a lost factor 2 fails by orders of magnitude.
 */
class GaussianTest {

    @Test
    void twoSidedTailMatchesTabulatedValuesToTheStatedFractionalError() {
        double[][] zAndTail = {
            {0.5, 0.61707507745197379}, {1, 0.31731050786291410}, {1.96, 0.049995790296440872},
            {2.5758293035489004, 0.010000000000000000}, {3, 0.0026997960632601891}, {5, 5.7330314375838782e-7},
            {8, 1.2441921148543568e-15}, {10, 1.5239706048321052e-23}, {20, 5.5072482372124674e-89},
        };
        for (double[] row : zAndTail) {
            double z = row[0], p = row[1];
            assertEquals(p, Gaussian.twoSidedTail(z), 1.5e-7 * p, "z " + z);
            assertEquals(p, Gaussian.twoSidedTail(-z), 1.5e-7 * p, "z " + -z);
            assertEquals(1 - p / 2, Gaussian.cdf(z), 1e-7, "cdf " + z);
        }
    }

    /** Each branch of Acklam's approximation: lower tail (p < 0.02425), central, upper tail. */
    @Test
    void quantileMatchesTabulatedValuesInEveryBranch() {
        double[][] pAndX = {
            {1e-6, -4.7534243088228990}, {5e-5, -3.8905918864130940}, {0.01, -2.3263478740408408},
            {0.3, -0.52440051270804078}, {0.5, 0}, {0.6, 0.25334710313579974}, {0.975, 1.9599639845400539},
            {0.995, 2.5758293035489005}, {0.9999, 3.7190164854557084},
        };
        for (double[] row : pAndX) {
            assertEquals(row[1], Gaussian.quantile(row[0]), 2e-7, "p " + row[0]);
        }
    }
}
