package org.forecaster.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NormalizerSpecTest {

    @ParameterizedTest
    @CsvSource({"1, 1e-9", "0.001, 1", "4.9e-324, 1e300"})
    void shouldAcceptBounds(double minAlpha, double epsilon) {
        assertEquals(minAlpha, new NormalizerSpec(minAlpha, epsilon).minAlpha());
    }

    @ParameterizedTest
    @CsvSource({
        "0, 1e-6, minAlpha must be in (0, 1], got 0.0",
        "1.0000001, 1e-6, minAlpha must be in (0, 1], got 1.0000001",
        "NaN, 1e-6, minAlpha must be in (0, 1], got NaN",
        "0.1, 0, epsilon must be positive and finite, got 0.0",
        "0.1, -1, epsilon must be positive and finite, got -1.0",
        "0.1, Infinity, epsilon must be positive and finite, got Infinity",
        "0.1, NaN, epsilon must be positive and finite, got NaN"
    })
    void shouldRejectOutOfRange(double minAlpha, double epsilon, String message) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new NormalizerSpec(minAlpha, epsilon));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
