package org.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointBinary;
import org.forecaster.core.wire.PointFormat;
import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.core.wire.WireJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The load tool's schedule: event order, times, values, and which event closes which window. */
class LoadScheduleTest {
    private static final long MINUTE = 60_000;
    private static final long START = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();

    @Test
    void shouldGoRoundRobinOverTheSeriesOneStepPerRoundAtTheLastMillisecondOfEachWindow() {
        LoadSchedule s = new LoadSchedule(3, 1000, MINUTE, START, "load-", 4);
        assertEquals(List.of(0, 1, 2, 0), List.of(s.seriesOf(0), s.seriesOf(1), s.seriesOf(2), s.seriesOf(3)));
        assertEquals(START + MINUTE - 1, s.eventTimeMillis(0));
        assertEquals(START + MINUTE - 1, s.eventTimeMillis(2));
        assertEquals(START + 2 * MINUTE - 1, s.eventTimeMillis(3));
        assertEquals(7, s.eventOf(1, 2));
        assertEquals(500_000_000L, s.dueNanos(500), "event 500 at 1000/s is due after half a second");
        assertEquals(2500, s.eventsIn(2.5));
    }

    @Test
    void shouldPlaceKeysOnThePartitionsKafkasDefaultPartitionerChooses() {
        for (int partitions : new int[] {1, 3, 8}) {
            LoadSchedule s = new LoadSchedule(200, 1000, MINUTE, START, "load-", partitions);
            for (int k = 0; k < 200; k++) {
                byte[] key = s.seriesId(k).getBytes(StandardCharsets.UTF_8);
                assertEquals(BuiltInPartitioner.partitionForKey(key, partitions), s.partitionOf(k), s.seriesId(k));
            }
        }
    }

    /**
     * The closed-window count against a direct simulation of Kafka Streams' rule: per partition, stream time is the
     * largest event time seen, and a window closes once stream time reaches its end plus the grace.
     */
    @ParameterizedTest(name = "{0} series, {1} partitions, grace {2} ms")
    @CsvSource({"1,1,0", "5,3,30000", "7,8,59998", "40,8,0", "3,8,1000"})
    void shouldCountTheWindowsThatEachPrefixOfTheRunCloses(int series, int partitions, long grace) {
        LoadSchedule s = new LoadSchedule(series, 1000, MINUTE, START, "k", partitions);
        // Ingest keeps event time per series: a window closes once its own series' time passes its end + grace.
        long[] seriesTime = new long[series];
        java.util.Arrays.fill(seriesTime, Long.MIN_VALUE);
        for (int sent = 0; sent <= 12 * series + 3; sent++) {
            if (sent > 0) {
                long e = sent - 1;
                seriesTime[s.seriesOf(e)] = Math.max(seriesTime[s.seriesOf(e)], s.eventTimeMillis(e));
            }
            long closed = 0;
            for (long e = 0; e < sent; e++) {
                long windowEnd = s.windowStartMillis(s.roundOf(e)) + MINUTE;
                if (seriesTime[s.seriesOf(e)] >= windowEnd + grace) {
                    closed++;
                    assertTrue(s.closingEvent(s.seriesOf(e), s.roundOf(e)) < sent, "window of event " + e + " closed before its closing event");
                }
            }
            assertEquals(closed, s.closedWindows(sent), "after " + sent + " events");
        }
    }

    @Test
    void shouldNameTheSeriesOwnEventOfTheNextRoundAsTheClosingEvent() {
        LoadSchedule s = new LoadSchedule(50, 1000, MINUTE, START, "load-", 8);
        for (int k = 0; k < 50; k++) {
            long closing = s.closingEvent(k, 4);
            assertEquals(5, s.roundOf(closing));
            assertEquals(k, s.seriesOf(closing));
        }
    }

    @Test
    void shouldAnswerEachPointByItsOwnForecastInPointsMode() {
        LoadSchedule s = new LoadSchedule(3, 1000, MINUTE, START, "load-", 4, true, PointFormat.BINARY);
        assertEquals(7, s.closingEvent(1, 2), "a point closes its own window");
        assertEquals(10, s.closedWindows(10), "every point sent is due a forecast, the last round's too");
        byte[] binary = s.event(4, new SplittableRandom(1));
        Point p = PointBinary.read(binary);
        assertEquals(p, WireJson.read(new LoadSchedule(3, 1000, MINUTE, START, "load-", 4, true, PointFormat.JSON)
                .event(4, new SplittableRandom(1)), Point.class), "the same point with --points-format json");
        assertEquals("load-1", p.series());
        assertEquals(Instant.ofEpochMilli(START + MINUTE), p.windowStart(), "event 4 is series 1's round 1");
        assertEquals(Instant.ofEpochMilli(START + 2 * MINUTE), p.windowEnd());
        assertEquals(1, p.count());
        assertEquals(p.mean(), p.last());
        assertTrue(p.mean() > 50 && p.mean() < 200, "a value of the daily season: " + p.mean());
        String raw = new String(new LoadSchedule(3, 1000, MINUTE, START, "load-", 4).event(4, new SplittableRandom(1)), StandardCharsets.UTF_8);
        assertTrue(raw.endsWith(",\"value\":" + p.mean() + "}"), "the same value as the raw event: " + raw);
    }

    @Test
    void shouldRecogniseOnlyItsOwnKeysAndWindows() {
        LoadSchedule s = new LoadSchedule(50, 1000, MINUTE, START, "load-", 8);
        assertEquals(12, s.seriesIndex("load-12"));
        assertEquals(0, s.seriesIndex("load-0"));
        for (String other : new String[] {"load-012", "load-", "load-50", "load-1x", "other-1", "LOAD-1", "load-99999999999"}) {
            assertEquals(-1, s.seriesIndex(other), other);
        }
        assertEquals(-1, s.seriesIndex(null));
        assertEquals(3, s.roundOfWindow(START + 3 * MINUTE));
        assertEquals(-1, s.roundOfWindow(START - MINUTE), "before the run");
        assertEquals(-1, s.roundOfWindow(START + MINUTE + 1), "off the window grid");
    }

    @Test
    void shouldRejectAFirstWindowOffTheStepGrid() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LoadSchedule(1, 1, MINUTE, START + 1, "x", 1));
        assertTrue(e.getMessage().contains("not a multiple of the step"), e.getMessage());
    }

    @Test
    void shouldWriteEventsThatTheIngestParserAcceptsWithSeasonAndNoise() {
        LoadSchedule s = new LoadSchedule(4, 1000, 5 * MINUTE, START, "host-", 8);
        RawEventParser parser = new RawEventParser(RawEventParser.Limits.DEFAULT, InstantSource.fixed(Instant.parse("2025-01-01T00:00:00Z")));
        SplittableRandom random = new SplittableRandom(1);
        Set<Double> values = new HashSet<>();
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (long e = 0; e < 4 * 288; e++) {
            String json = new String(s.event(e, random), StandardCharsets.UTF_8);
            RawEventParser.Result r = parser.parse(json.getBytes(StandardCharsets.UTF_8), s.seriesId(s.seriesOf(e)));
            assertTrue(r.valid(), () -> json + ": " + r.rejection());
            RawEvent ev = r.event();
            assertEquals(s.seriesId(s.seriesOf(e)), ev.series());
            assertEquals(s.eventTimeMillis(e), ev.ts().toEpochMilli());
            values.add(ev.value());
            if (s.seriesOf(e) == 0) {
                min = Math.min(min, ev.value());
                max = Math.max(max, ev.value());
            }
        }
        assertTrue(values.size() > 4 * 280, "values repeat: " + values.size());
        assertTrue(max - min > 35 && max - min < 70, "series 0 spans a day's season of +-20 plus noise: " + min + ".." + max);
    }

    @Test
    void shouldReadTheObservedWindowFromARealForecastAndNothingFromOtherRecords() {
        Instant window = Instant.parse("2024-01-01T00:05:00Z");
        byte[] json = WireJson.write(new ForecastRecord("load-1", window, 1.5, 3, false, 0.95,
                List.of(new ForecastRecord.Step(window.plusSeconds(300), 1, 0, 2))));
        assertEquals(window.toEpochMilli(), ForecastWatcher.observedMillis(json));
        assertEquals(window.toEpochMilli(), ForecastWatcher.observedMillis(
                ("{\"steps\":[{\"ts\":1}],\"observedTs\":" + window.toEpochMilli() + "}").getBytes(StandardCharsets.UTF_8)));
        for (String other : new String[] {"", "[]", "{}", "{\"observedTs\":\"yesterday\"}", "{\"observedTs\":", "not json"}) {
            assertEquals(Long.MIN_VALUE, ForecastWatcher.observedMillis(other.getBytes(StandardCharsets.UTF_8)), other);
        }
        assertEquals(Long.MIN_VALUE, ForecastWatcher.observedMillis(null));
    }

    @Test
    void shouldParseDurationsInShortAndIsoForms() {
        assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), DurationConverter.parse("30s"));
        assertEquals(Duration.ofMinutes(5), DurationConverter.parse("5m"));
        assertEquals(Duration.ofHours(1), DurationConverter.parse("1h"));
        assertEquals(Duration.ofDays(2), DurationConverter.parse("2d"));
        assertEquals(Duration.ofSeconds(90), DurationConverter.parse("PT1M30S"));
        for (String bad : new String[] {"", "5", "m5", "5 m", "-5s", "1.5s", "PTX"}) {
            assertThrows(picocli.CommandLine.TypeConversionException.class, () -> DurationConverter.parse(bad), bad);
        }
        assertEquals("5m", DurationConverter.format(Duration.ofMinutes(5)));
        assertEquals("90s", DurationConverter.format(Duration.ofSeconds(90)));
        assertEquals("0s", DurationConverter.format(Duration.ZERO));
        assertEquals("1500ms", DurationConverter.format(Duration.ofMillis(1500)));
    }
}
