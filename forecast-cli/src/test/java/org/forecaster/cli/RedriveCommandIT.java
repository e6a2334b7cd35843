package org.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.forecaster.core.wire.Topics;
import org.forecaster.testkit.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * redrive against a real in-process KRaft broker: the dead letters of one reason and time range go back to the raw
 * topic once, as they came (key, value, time, own headers) without the dead-letter headers and with a redrive count;
 * running the same command again sends nothing; another reason is a redrive of its own.
 */
class RedriveCommandIT {
    static EmbeddedKafka kafka;
    static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static ProducerRecord<String, byte[]> deadLetter(String dlq, String reason, String series, int minute, String countHeader) {
        RecordHeaders h = new RecordHeaders();
        h.add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
        if (countHeader != null) {
            h.add(RedriveCommand.REDRIVE_COUNT, countHeader.getBytes(StandardCharsets.UTF_8));
        }
        h.add(Topics.DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
        h.add(Topics.DLQ_MESSAGE, "why".getBytes(StandardCharsets.UTF_8));
        h.add(Topics.DLQ_SOURCE_TOPIC, Topics.RAW.getBytes(StandardCharsets.UTF_8));
        h.add(Topics.DLQ_SOURCE_PARTITION, "0".getBytes(StandardCharsets.UTF_8));
        h.add(Topics.DLQ_SOURCE_OFFSET, Integer.toString(minute).getBytes(StandardCharsets.UTF_8));
        long ts = T0.plus(Duration.ofMinutes(minute)).toEpochMilli();
        String json = "{\"series\":\"" + series + "\",\"ts\":" + ts + ",\"value\":" + minute + "}";
        return new ProducerRecord<>(dlq, null, ts, series, json.getBytes(StandardCharsets.UTF_8), h);
    }

    /** All committed records of {@code topic}: it is read for 3 s, so a duplicate would be seen. */
    private static List<ConsumerRecord<String, byte[]>> everything(String topic) {
        return kafka.consumeUntil(topic, l -> false, Duration.ofSeconds(3), true);
    }

    @Test
    void shouldRedriveOneReasonAndTimeRangeExactlyOnce() {
        String dlq = "dlq.redrive", raw = "raw.redrive";
        kafka.createTopics(dlq, raw);
        List<ProducerRecord<String, byte[]>> letters = new ArrayList<>();
        for (int m = 0; m < 10; m++) {
            letters.add(deadLetter(dlq, m % 3 == 0 ? "malformed-json" : "late", "s-" + (m % 2), m, m == 4 ? "2" : null));
        }
        kafka.send(letters);
        // late ones at minutes 1, 2, 4, 5, 7, 8; the range [2, 8) keeps 2, 4, 5, 7
        String[] args = {"redrive", "--bootstrap", kafka.bootstrapServers(), "--dlq-topic", dlq, "--topic", raw, "--reason", "late",
                "--from", T0.plus(Duration.ofMinutes(2)).toString(), "--to", T0.plus(Duration.ofMinutes(8)).toString()};
        Cli r = Cli.run(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("redrove 4 of 10 dead letters"), r.err());

        List<ConsumerRecord<String, byte[]>> got = everything(raw);
        assertEquals(List.of(2, 4, 5, 7), got.stream().map(x -> (int) Duration.between(T0, Instant.ofEpochMilli(x.timestamp())).toMinutes()).sorted().toList());
        for (ConsumerRecord<String, byte[]> x : got) {
            int minute = (int) Duration.between(T0, Instant.ofEpochMilli(x.timestamp())).toMinutes();
            assertEquals("s-" + (minute % 2), x.key());
            assertTrue(new String(x.value(), StandardCharsets.UTF_8).contains("\"value\":" + minute + "}"));
            assertEquals("00-abc-01", EmbeddedKafka.header(x, "traceparent"), "the event's own headers go with it");
            assertNull(EmbeddedKafka.header(x, Topics.DLQ_REASON), "no dead-letter headers");
            assertNull(EmbeddedKafka.header(x, Topics.DLQ_SOURCE_OFFSET));
            assertEquals(minute == 4 ? "3" : "1", EmbeddedKafka.header(x, RedriveCommand.REDRIVE_COUNT));
        }

        Cli again = Cli.run(args);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("redrove 0 of 0 dead letters"), "the same redrive again sends nothing: " + again.err());
        Cli other = Cli.run("redrive", "--bootstrap", kafka.bootstrapServers(), "--dlq-topic", dlq, "--topic", raw,
                "--reason", "malformed-json");
        assertEquals(0, other.code(), other.err());
        assertTrue(other.err().contains("redrove 4 of 10 dead letters"), other.err());
        assertEquals(8, everything(raw).size(), "4 late and 4 malformed, each once");
    }

    @Test
    void shouldExplainBadArgumentsAndAMissingTopic() {
        Cli r = Cli.run("redrive", "--bootstrap", kafka.bootstrapServers(), "--reason", "late", "--from", "2025-03-02T00:00:00Z",
                "--to", "2025-03-01T00:00:00Z");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--from (2025-03-02T00:00:00Z) must be before --to"), r.err());
        Cli missing = Cli.run("redrive", "--bootstrap", kafka.bootstrapServers(), "--reason", "late", "--dlq-topic", "no.such.dlq",
                "--timeout", "5");
        assertTrue(missing.code() != 0, missing.err());
        assertTrue(missing.err().contains("no.such.dlq"), missing.err());
        assertTrue(!missing.err().contains("\tat "), "a message, not a stack trace: " + missing.err());
    }
}
