package org.forecaster.trainer.data;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a bounded slice of a topic with a plain, group-less consumer: every partition assigned, a start
 * position per partition, and the end offsets captured before reading, so a run reads a fixed snapshot and
 * terminates even while producers keep writing. {@code read_committed}, so aborted transactional writes
 * (ingest runs exactly-once) are never trained on. No offsets are committed.
 */
public final class TopicReader {
    private final Map<String, Object> clientConfig;

    /** @param clientConfig at least {@code bootstrap.servers}; security settings pass through too */
    public TopicReader(Map<String, Object> clientConfig) {
        this.clientConfig = Map.copyOf(clientConfig);
    }

    /**
     * Reads {@code topic} from the positions {@code start} chooses (offset per partition, given the
     * consumer; null means the beginning) to the end offsets of now, handing every record to {@code sink}.
     * Returns the number of records read. Throws {@link IllegalStateException} when the deadline passes first
     * or the broker cannot be reached.
     */
    public long read(String topic, Function<KafkaConsumer<String, byte[]>, Map<TopicPartition, Long>> start,
                     Consumer<ConsumerRecord<String, byte[]>> sink, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties(timeout))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return 0; // the topic does not exist (yet): nothing to read
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> from = start.apply(consumer);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : partitions) {
                Long offset = from == null ? null : from.get(tp);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, offset);
                }
                if (consumer.position(tp, timeout) < end.get(tp)) {
                    remaining.put(tp, end.get(tp));
                }
            }
            long count = 0;
            while (!remaining.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " did not finish within " + timeout
                            + "; partitions left: " + remaining.keySet());
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long stop = remaining.get(tp);
                    if (stop != null && r.offset() < stop) {
                        sink.accept(r);
                        count++;
                    }
                }
                // Position, not the last record's offset: transaction markers and aborted records occupy
                // offsets that read_committed never returns.
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey(), timeout) >= e.getValue());
            }
            return count;
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IllegalStateException("cannot read " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Start positions: the first offset whose record timestamp is at or after {@code fromMillis}. */
    public static Function<KafkaConsumer<String, byte[]>, Map<TopicPartition, Long>> fromTimestamp(long fromMillis, Duration timeout) {
        return consumer -> {
            Map<TopicPartition, Long> query = new HashMap<>();
            consumer.assignment().forEach(tp -> query.put(tp, fromMillis));
            Map<TopicPartition, Long> out = new HashMap<>();
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(query.keySet(), timeout);
            for (TopicPartition tp : query.keySet()) {
                OffsetAndTimestamp o = found.get(tp);
                // No record that recent: start at the end (nothing to read from that partition).
                out.put(tp, o == null ? end.get(tp) : o.offset());
            }
            return out;
        };
    }

    private Properties properties(Duration timeout) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024); // whole weights records
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "forecast-trainer-reader");
        return p;
    }
}
