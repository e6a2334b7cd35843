package org.forecaster.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.forecaster.core.wire.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Re-sends dead letters to the raw topic after an incident (issue 16): the events the ingest service dead-lettered for
 * a reason (a backfill that arrived {@code late}, say) go back as they came, and are windowed now if they are in
 * order for their series; one still late is dead-lettered again, with its redrive count in a header.
 *
 * <p>Idempotent: it reads the dead-letter topic in a consumer group named after its filter and sends with a
 * transactional producer that commits the group's offsets in the same transaction, so running the same command again
 * (or after a crash) sends nothing twice. It stops at the end the topic had when it started.
 */
@Command(name = "redrive", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Re-send dead letters of one reason from the dead-letter topic to the raw topic, once.",
                "Example: forecast redrive --bootstrap localhost:9092 --reason late --from 2025-03-01T00:00:00Z"
                        + " --to 2025-03-02T00:00:00Z"})
final class RedriveCommand implements Callable<Integer> {
    /** Header the redrive adds: how many times this event has been redriven. */
    static final String REDRIVE_COUNT = Topics.REDRIVE_COUNT;
    private static final List<String> DLQ_HEADERS = List.of(Topics.DLQ_REASON, Topics.DLQ_MESSAGE, Topics.DLQ_SOURCE_TOPIC,
            Topics.DLQ_SOURCE_PARTITION, Topics.DLQ_SOURCE_OFFSET);

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--reason", required = true, paramLabel = "CODE",
            description = "Dead-letter reason to redrive, as in the dlq.reason header (late, malformed-json, ...).")
    String reason;

    @Option(names = "--from", paramLabel = "INSTANT",
            description = "Only dead letters whose record time (the event's own time where ingest could read it) is at or"
                    + " after this (default: the beginning).")
    Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "... and before this (default: no end).")
    Instant to;

    @Option(names = "--dlq-topic", defaultValue = Topics.DLQ, paramLabel = "TOPIC", description = "Dead-letter topic (default ${DEFAULT-VALUE}).")
    String dlqTopic;

    @Option(names = "--topic", defaultValue = Topics.RAW, paramLabel = "TOPIC", description = "Topic to send to (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--timeout", defaultValue = "60s", paramLabel = "D", converter = DurationConverter.SecondsIfPlain.class,
            description = "Give up when the broker does not answer for this long; a plain number is seconds (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        validate();
        String group = group();
        PrintWriter log = spec.commandLine().getErr();
        long fromMillis = from == null ? Long.MIN_VALUE : from.toEpochMilli(), toMillis = to == null ? Long.MAX_VALUE : to.toEpochMilli();
        int read = 0, sent = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(group));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(group, timeout))) {
            List<PartitionInfo> infos = consumer.partitionsFor(dlqTopic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("dead-letter topic " + dlqTopic + " does not exist at " + bootstrap);
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo i : infos) {
                partitions.add(new TopicPartition(i.topic(), i.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
            producer.initTransactions();
            while (!caughtUp(consumer, end, timeout)) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue; // dead-lettered after we started: the next redrive's
                    }
                    read++;
                    offsets.put(tp, new OffsetAndMetadata(r.offset() + 1));
                    if (reason.equals(header(r.headers(), Topics.DLQ_REASON)) && r.timestamp() >= fromMillis && r.timestamp() < toMillis) {
                        producer.send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value(), redriven(r.headers())));
                        sent++;
                    }
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }
        } catch (KafkaException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + ": " + e.getMessage(), e);
        }
        log.printf(Locale.ROOT, "redrove %d of %d dead letters read from %s (reason %s%s) to %s; consumer group %s%n", sent, read,
                dlqTopic, reason, window(), topic, group);
        return 0;
    }

    /** Whether the consumer's position has reached {@code end} on every partition. */
    private static boolean caughtUp(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end, Duration timeout) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The event's own headers, without the dead-letter ones, with its redrive count one higher. */
    static Headers redriven(Headers original) {
        Headers h = new RecordHeaders();
        int count = 0;
        for (Header x : original) {
            if (x.key().equals(REDRIVE_COUNT)) {
                try {
                    count = Integer.parseInt(new String(x.value(), StandardCharsets.UTF_8));
                } catch (NumberFormatException e) {
                    count = 0; // not ours to trust: start again
                }
            } else if (!DLQ_HEADERS.contains(x.key())) {
                h.add(x);
            }
        }
        h.add(REDRIVE_COUNT, Integer.toString(count + 1).getBytes(StandardCharsets.UTF_8));
        return h;
    }

    private static String header(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** One group per filter: the same command resumes where it stopped, another filter reads from the start. */
    String group() {
        return "forecast-redrive-" + dlqTopic + "-" + topic + "-" + reason + "-" + (from == null ? "start" : from.toEpochMilli())
                + "-" + (to == null ? "end" : to.toEpochMilli());
    }

    private String window() {
        return from == null && to == null ? "" : ", record time in [" + (from == null ? "-inf" : from) + ", " + (to == null ? "+inf" : to) + ")";
    }

    private Properties consumerProperties(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        KafkaSecurity.applyTo(p);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        return p;
    }

    private Properties producerProperties(String group, Duration timeout) {
        Properties p = RawEventProducers.properties(bootstrap, timeout);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group);
        return p;
    }

    private void validate() {
        String msg = null;
        if (reason.isBlank()) {
            msg = "--reason must not be blank";
        } else if (from != null && to != null && !from.isBefore(to)) {
            msg = "--from (" + from + ") must be before --to (" + to + ")";
        } else if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            msg = "--timeout must be at least 1s, got " + DurationConverter.format(timeout);
        } else if (dlqTopic.equals(topic)) {
            msg = "--dlq-topic and --topic must differ, both are " + topic;
        }
        if (msg != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), msg);
        }
    }
}
