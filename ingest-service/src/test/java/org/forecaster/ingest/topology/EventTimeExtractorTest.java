package org.forecaster.ingest.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.forecaster.core.wire.RawEventParser;
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
}
