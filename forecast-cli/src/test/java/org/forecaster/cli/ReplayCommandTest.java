package org.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** replay's pacing as arithmetic, without a broker or a clock (ReplayCommandIT checks what arrives). */
class ReplayCommandTest {
    private static final long T0 = 1_396_310_400_000L; // 2014-04-01T00:00:00Z

    @Test
    void shouldMakeEachEventDueAtItsDataOffsetDividedByTheSpeed() {
        assertEquals(0L, ReplayCommand.dueOffsetNanos(T0, T0, 1200));
        assertEquals(500_000_000L, ReplayCommand.dueOffsetNanos(T0, T0 + 600_000, 1200), "10 min at 1200x");
        assertEquals(1_000_000_000L, ReplayCommand.dueOffsetNanos(T0, T0 + 1_200_000, 1200), "20 min at 1200x");
        assertEquals(60_000_000_000L, ReplayCommand.dueOffsetNanos(T0, T0 + 3_600_000, 60), "an hour of data per minute");
        assertEquals(3_600_000_000_000L, ReplayCommand.dueOffsetNanos(T0, T0 + 1_800_000, 0.5), "half speed");
    }
}
