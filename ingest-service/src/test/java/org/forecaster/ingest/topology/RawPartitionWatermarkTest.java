package org.forecaster.ingest.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The watermark over every raw partition's progress, as one window task sees it. */
class RawPartitionWatermarkTest {
    private static final long IDLE = 60_000, START = 1_000_000;

    @Test
    void shouldHoldEverythingUntilEveryRawPartitionHasBeenHeardFrom() {
        RawPartitionWatermark w = new RawPartitionWatermark(IDLE, START);
        assertEquals(Long.MIN_VALUE, w.watermark(START), "nothing heard yet");
        w.heard(new RawProgress(0, 2, 500_000, false), START + 10);
        assertEquals(Long.MIN_VALUE, w.watermark(START + 10), "partition 1 of 2 not heard yet");
        w.heard(new RawProgress(1, 2, 100_000, false), START + 20);
        assertEquals(100_000, w.watermark(START + 20), "the least of the two");
    }

    @Test
    void shouldStopHoldingForUnheardPartitionsOnceTheIdleTimeHasPassedSinceTheStart() {
        RawPartitionWatermark w = new RawPartitionWatermark(IDLE, START);
        w.heard(new RawProgress(0, 3, 500_000, false), START);
        assertEquals(Long.MIN_VALUE, w.watermark(START + IDLE - 1));
        w.heard(new RawProgress(0, 3, 510_000, false), START + IDLE);
        assertEquals(510_000, w.watermark(START + IDLE), "partitions 1 and 2 never spoke: their tasks are gone");
    }

    @Test
    void shouldHoldAtTheSlowestActivePartitionAndIgnoreIdleAndSilentOnes() {
        RawPartitionWatermark w = new RawPartitionWatermark(IDLE, START);
        w.heard(new RawProgress(0, 3, 900_000, false), START);
        w.heard(new RawProgress(1, 3, 100_000, true), START);   // no unkeyed events lately: holds nothing back
        w.heard(new RawProgress(2, 3, 300_000, false), START);
        assertEquals(300_000, w.watermark(START));
        w.carried(2, 350_000, START + 5);
        assertEquals(350_000, w.watermark(START + 5), "a re-keyed event raises its partition");
        w.heard(new RawProgress(0, 3, 950_000, false), START + IDLE + 6);
        assertEquals(950_000, w.watermark(START + IDLE + 6), "partition 2 has not been heard from for the idle time");
        w.carried(1, 120_000, START + IDLE + 7);
        assertEquals(120_000, w.watermark(START + IDLE + 7), "an event from the idle partition makes it count again");
    }

    @Test
    void shouldHoldForAnActivePartitionThatHasForwardedNothingYet() {
        RawPartitionWatermark w = new RawPartitionWatermark(IDLE, START);
        w.heard(new RawProgress(0, 2, 900_000, false), START);
        w.heard(new RawProgress(1, 2, Long.MIN_VALUE, false), START);
        assertEquals(Long.MIN_VALUE, w.watermark(START), "its task is young and may still deliver old events");
    }

    @Test
    void shouldKeepTheHighestProgressAcrossARestartedReKeyTaskButHearAgainAfterItsOwnRestart() {
        RawPartitionWatermark w = new RawPartitionWatermark(IDLE, START);
        RawPartitionWatermark.Partition p0 = w.heard(new RawProgress(0, 1, 700_000, false), START);
        assertEquals(700_000, w.heard(new RawProgress(0, 1, 650_000, false), START + 1).highWater(),
                "a restarted re-key task reports from its committed offset again");

        RawPartitionWatermark restarted = new RawPartitionWatermark(IDLE, START + 10);
        restarted.restore(0, RawPartitionWatermark.Partition.decode(p0.encode()));
        assertEquals(Long.MIN_VALUE, restarted.watermark(START + 10), "restored, but not heard since this task started");
        restarted.heard(new RawProgress(0, 1, 600_000, false), START + 11);
        assertEquals(700_000, restarted.watermark(START + 11));
        assertThrows(IllegalArgumentException.class, () -> RawPartitionWatermark.Partition.decode(new byte[3]));
    }
}
