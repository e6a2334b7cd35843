package org.forecaster.cli;

import java.math.BigDecimal;

/** Number formatting for the CSV outputs: plain decimals, deterministic, no exponent, no trailing zeros. */
final class Numbers {
    private Numbers() {}

    /** {@code x} rounded to 7 significant digits (the output of float arithmetic carries no more). */
    static String format(double x) {
        if (!Double.isFinite(x)) {
            return "NaN";
        }
        if (x == 0) {
            return "0";
        }
        return new BigDecimal(x).round(new java.math.MathContext(7)).stripTrailingZeros().toPlainString();
    }
}
