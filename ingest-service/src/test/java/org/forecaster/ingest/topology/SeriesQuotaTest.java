package org.forecaster.ingest.topology;

import static org.forecaster.ingest.topology.TopologyFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-instance series quota in the windowing stage: a flood of new ids is refused, live series keep working. */
class SeriesQuotaTest {
    @TempDir
    Path stateDir;

    @Test
    void shouldDeadLetterSeriesOverTheLiveCapAndKeepTheLiveOnesWindowing() {
        try (TopologyFixture f = new TopologyFixture(stateDir, new SeriesQuota.Limits(2, 1_000))) {
            f.send("a", T0, 1);
            f.send("b", T0, 2);
            for (int i = 0; i < 10; i++) {
                f.send("flood-" + i, T0.plusSeconds(1), 9);
            }
            f.send("a", T0.plusSeconds(13), 3); // closes a's first window (end 10 s + grace 2 s)
            f.send("b", T0.plusSeconds(13), 4);

            List<TestRecord<String, byte[]>> dead = f.dlq.readRecordsToList();
            assertEquals(10, dead.size());
            dead.forEach(r -> assertEquals("series-quota", reason(r)));
            assertEquals(10L, f.counts.deadLettered.get("series-quota").get());
            List<Point> points = f.points();
            assertEquals(List.of("a", "b"), points.stream().map(Point::series).toList());
            assertEquals(List.of(1.0, 2.0), points.stream().map(Point::mean).toList());
        }
    }

    @Test
    void shouldGiveASlotBackWhenASeriesClosesItsLastWindow() {
        try (TopologyFixture f = new TopologyFixture(stateDir, new SeriesQuota.Limits(1, 1_000))) {
            f.send("a", T0, 1);
            f.driver.advanceWallClockTime(Duration.ofMinutes(1)); // idle close: a's window closes, a is no longer live
            f.send("b", T0, 2);

            assertEquals(0, f.dlq.readRecordsToList().size());
            assertEquals(List.of("a"), f.points().stream().map(Point::series).toList());
        }
    }

    @Test
    void shouldRefuseNewSeriesOverTheRatePerMinuteUntilTheNextMinute() {
        try (TopologyFixture f = new TopologyFixture(stateDir, new SeriesQuota.Limits(1_000, 2))) {
            f.send("a", T0, 1);
            f.send("b", T0, 1);
            f.send("c", T0, 1);
            assertEquals(List.of("c"), f.dlq.readRecordsToList().stream().map(TestRecord::key).toList());

            f.driver.advanceWallClockTime(Duration.ofMinutes(1));
            f.send("c", T0.plusSeconds(1), 1);
            assertEquals(0, f.dlq.readRecordsToList().size());
        }
    }

    private static String reason(TestRecord<String, byte[]> r) {
        return new String(r.headers().lastHeader(Topics.DLQ_REASON).value(), StandardCharsets.UTF_8);
    }
}
