package org.forecaster.ingest.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The series' watermark over its source partitions, and the stored bytes. */
class SeriesWindowsTest {
    private static final long STEP = 10_000, IDLE = 60_000;

    /**
     * An unkeyed backfill: chunks of the series on partitions 0 and 1, re-keyed by two tasks at different speeds.
     * Partition 0 runs 100 s ahead; partition 1's events arrive later but each in order, so none may find its window
     * closed.
     */
    @Test
    void shouldCloseWindowsOnlyAsFarAsTheSlowestPartitionThatStillCarriesTheSeries() {
        SeriesWindows s = new SeriesWindows();
        long now = 1_000;
        for (long ts = 100_000; ts < 200_000; ts += 1_000) {
            s.add(ts - ts % STEP, ts, 1);
            s.heardFrom(0, ts, now);
        }
        s.add(0, 0, 1);
        s.heardFrom(1, 0, now);
        assertEquals(0, s.watermark(now, IDLE), "partition 1 is at 0 s");
        List<SeriesWindows.Open> closed = s.closeUntil(s.watermark(now, IDLE) - 2_000, STEP);
        assertEquals(List.of(), closed, "nothing closes past the slow partition");
        for (long ts = 1_000; ts < 50_000; ts += 1_000) {
            long start = ts - ts % STEP;
            assertEquals(true, start >= s.closedBefore, "event at " + ts + " is not late");
            s.add(start, ts, 1);
            s.heardFrom(1, ts, now);
            s.closeUntil(s.watermark(now, IDLE) - 2_000, STEP);
        }
        assertEquals(40_000, s.closedBefore, "windows up to 49 s - 2 s grace are closed");
    }

    @Test
    void shouldForgetAPartitionNotHeardFromForTheIdleTime() {
        SeriesWindows s = new SeriesWindows();
        s.heardFrom(0, 500_000, 1_000);
        s.heardFrom(1, 100_000, 1_000);
        assertEquals(100_000, s.watermark(1_000, IDLE));
        s.heardFrom(0, 510_000, 1_000 + IDLE);
        assertEquals(100_000, s.watermark(1_000 + IDLE, IDLE), "partition 1 was heard from exactly the idle time ago");
        assertEquals(510_000, s.watermark(2_000 + IDLE, IDLE), "now it no longer holds the series back");
        assertEquals(1, s.sources.size());
    }

    @Test
    void shouldRoundTripAndReadVersion1() {
        SeriesWindows s = new SeriesWindows();
        s.add(0, 1_000, 2.5);
        s.heardFrom(3, 1_000, 77);
        s.lastSeenWallMs = 77;
        SeriesWindows back = SeriesWindows.decode(s.encode());
        assertEquals(s.sources, back.sources);
        assertEquals(s.open, back.open);
        assertEquals(1_000, back.highWater);

        ByteBuffer v1 = ByteBuffer.allocate(1 + 3 * 8 + 2 + 8 + WindowAggregate.BYTES);
        v1.put((byte) 1).putLong(1_000).putLong(Long.MIN_VALUE).putLong(77).putShort((short) 1).putLong(0);
        s.open.getFirst().aggregate().writeTo(v1);
        SeriesWindows old = SeriesWindows.decode(v1.array());
        assertEquals(List.of(), old.sources, "version 1 had no sources");
        assertEquals(1_000, old.watermark(78, IDLE), "its own high-water mark stands in");
        assertEquals(s.open, old.open);
        assertThrows(IllegalArgumentException.class, () -> SeriesWindows.decode(new byte[] {9, 0, 0}));
    }
}
