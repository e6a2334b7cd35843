package org.forecaster.ingest.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.forecaster.core.wire.PlainRawEventReader;
import org.forecaster.core.wire.RawEventParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventTimeExtractorTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final long PARTITION_TIME = Instant.parse("2024-12-31T23:00:00Z").toEpochMilli();
    private final EventTimeExtractor extractor = new EventTimeExtractor(RawEventParser.Limits.DEFAULT, InstantSource.fixed(NOW));

    private long extract(String json) {
        return extractor.extract(new ConsumerRecord<>("telemetry.raw", 0, 0, null, json.getBytes(StandardCharsets.UTF_8)), PARTITION_TIME);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "\"2024-12-31T23:30:00Z\"       | 2024-12-31T23:30:00Z",
        "1735687800000                  | 2024-12-31T23:30:00Z",
        "\"2025-01-01T00:30:00Z\"       | 2025-01-01T00:30:00Z",
    })
    void shouldTakeEventTimesInsideTheAcceptedRange(String ts, String expected) {
        assertEquals(Instant.parse(expected).toEpochMilli(), extract("{\"series\":\"a\",\"ts\":" + ts.strip() + ",\"value\":1}"));
    }

    /** Out-of-range times are dead-lettered; as record timestamps a far-future one is refused by the broker and stops the stream. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "9223372036854775807", "7258118400000", "\"2200-01-01T00:00:00Z\"", "\"2025-01-01T00:30:00.001Z\"",
        "\"1999-12-31T23:59:59Z\"", "0", "-5", "\"+1000000-01-01T00:00:00Z\"", "\"yesterday\"", "1.5e12",
    })
    void shouldFallBackToPartitionTimeForEventTimesOutsideTheAcceptedRange(String ts) {
        assertEquals(PARTITION_TIME, extract("{\"series\":\"a\",\"ts\":" + ts.strip() + ",\"value\":1}"));
    }

    /** The plain byte scan must give what the streaming JSON scan gives, on random events and damaged ones. */
    @Test
    void shouldReadTheSameEventTimeAsTheGeneralScanOnRandomInput() {
        long seed = 1616;
        SplittableRandom rnd = new SplittableRandom(seed);
        int plain = 0, found = 0;
        String[] ts = {"\"2024-12-31T23:30:00Z\"", "\"2024-12-31T23:30:00.250Z\"", "\"2024-12-31T23:30:00.123456Z\"",
            "\"2024-02-30T00:00:00Z\"", "\"yesterday\"", "\"+1000000-01-01T00:00:00Z\"", "1735687800000", "-5", "0",
            "9223372036854775807", "92233720368547758070", "1.5e12", "01", "null", "true", "{\"a\":1}", "[1]", "\"2024\\u002d\""};
        String[] other = {"\"series\":\"a\"", "\"value\":1.25", "\"value\":-3", "\"labels\":{\"dc\":\"eu\"}", "\"x\":null",
            "\"y\":true", "\"z\":[1,2]", "\"t\\u0073\":1", "\"s\":\"h\u00e9\"", "\"n\":1e5", "\"f\":falsex", "\"ts\":"};
        for (int i = 0; i < 100_000; i++) {
            List<String> fields = new ArrayList<>();
            for (int n = rnd.nextInt(4); n > 0; n--) {
                fields.add(other[rnd.nextInt(other.length)]);
            }
            for (int n = rnd.nextInt(3); n > 0; n--) {
                fields.add("\"ts\"" + (rnd.nextBoolean() ? " : " : ":") + ts[rnd.nextInt(ts.length)]);
            }
            Collections.shuffle(fields, new Random(rnd.nextLong()));
            String json = (rnd.nextInt(10) == 0 ? " \n" : "") + "{" + String.join(rnd.nextBoolean() ? "," : " , ", fields) + "}";
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            if (rnd.nextInt(4) == 0 && bytes.length > 0) {
                int at = rnd.nextInt(bytes.length);
                bytes = rnd.nextBoolean() ? Arrays.copyOf(bytes, at) : bytes.clone();
                if (at < bytes.length) {
                    bytes[at] = (byte) rnd.nextInt(256);
                }
            }
            long expected = EventTimeExtractor.generalEventTime(bytes);
            String input = new String(bytes, StandardCharsets.UTF_8) + " (seed " + seed + ", case " + i + ")";
            assertEquals(expected, EventTimeExtractor.eventTime(bytes), input);
            plain += PlainRawEventReader.eventTime(bytes) != PlainRawEventReader.UNKNOWN ? 1 : 0;
            found += expected >= 0 ? 1 : 0;
        }
        assertTrue(plain > 30_000 && found > 20_000, plain + " plain, " + found + " with a ts");
    }
}
