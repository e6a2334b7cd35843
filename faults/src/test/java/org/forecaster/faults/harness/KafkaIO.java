package org.forecaster.faults.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Reading topics as a user of the outputs would (read_committed) and producing test input. */
public final class KafkaIO {
    private KafkaIO() {}

    /**
     * Every committed record of {@code topic}, partition by partition in offset order, up to the last stable offsets
     * found when the read starts. Records of aborted or still open transactions are never returned.
     */
    public static List<ConsumerRecord<String, byte[]>> readCommitted(String bootstrap, String topic) {
        return read(bootstrap, topic, "read_committed");
    }

    /**
     * The number of records of {@code topic} written so far, committed or not (read_uncommitted): records of an open
     * transaction count, so a test can see output that only a later commit will make visible.
     */
    public static int countWritten(String bootstrap, String topic) {
        return read(bootstrap, topic, "read_uncommitted").size();
    }

    private static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "faults-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 67_108_864);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 67_108_864);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(20)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(20)); // the LSO under read_committed, the high watermark otherwise
            // 30 s without progress, not in all: a measurement's output of millions of records takes longer to read.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end offsets " + end + ": no progress for 30 s at "
                            + out.size() + " records");
                }
                var polled = c.poll(Duration.ofMillis(200));
                if (!polled.isEmpty()) {
                    deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                }
                for (ConsumerRecord<String, byte[]> r : polled) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The record at {@code offset} of {@code topic}'s partition {@code partition}, waiting up to {@code timeout} for it
     * to be written (read_uncommitted: for input written by a plain producer).
     */
    public static ConsumerRecord<String, byte[]> readAt(String bootstrap, String topic, int partition, long offset, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        TopicPartition tp = new TopicPartition(topic, partition);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            c.assign(List.of(tp));
            c.seek(tp, offset);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    if (r.offset() >= offset) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no record at " + tp + " offset " + offset + " within " + timeout);
    }

    /** The number of committed records of {@code topic} (reads them all; the topics here are small). */
    public static int countCommitted(String bootstrap, String topic) {
        return readCommitted(bootstrap, topic).size();
    }

    /**
     * An idempotent producer (acks=all) that keeps retrying for two minutes, so input survives a broker outage
     * without loss or duplicates.
     */
    public static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 67_108_864);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
