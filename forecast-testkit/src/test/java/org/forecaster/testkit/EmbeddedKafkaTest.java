package org.forecaster.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {
    @Test
    void recordsRoundTripThroughARealBroker() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics("t.one");
            kafka.send("t.one", "k", "v".getBytes(StandardCharsets.UTF_8), new RecordHeader("h", "x".getBytes(StandardCharsets.UTF_8)));
            var got = kafka.consume("t.one", 1, Duration.ofSeconds(30));
            assertEquals(1, got.size());
            assertEquals("k", got.get(0).key());
            assertEquals("x", EmbeddedKafka.header(got.get(0), "h"));
        }
    }
}
