package org.forecaster.cli.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.forecaster.cli.KafkaSecurity;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.WireJson;

/**
 * The system's outputs to score: the records of the {@code forecasts} and {@code anomalies} topics, read from
 * JSON-lines dumps (one record value per line, e.g. {@code kcat -C -t forecasts -e -q}) or from the topics.
 *
 * @param forecasts  null when not given
 * @param anomalies  null when not given
 * @param unreadable records that were not valid JSON of their type (skipped)
 */
public record SystemOutputs(List<ForecastRecord> forecasts, List<AnomalyRecord> anomalies, long unreadable) {

    /** Either file may be null (not scored). */
    public static SystemOutputs fromFiles(Path forecastsFile, Path anomaliesFile) throws IOException {
        long[] unreadable = {0};
        List<ForecastRecord> forecasts = forecastsFile == null ? null : readLines(forecastsFile, ForecastRecord.class, unreadable);
        List<AnomalyRecord> anomalies = anomaliesFile == null ? null : readLines(anomaliesFile, AnomalyRecord.class, unreadable);
        return new SystemOutputs(forecasts, anomalies, unreadable[0]);
    }

    private static <T> List<T> readLines(Path file, Class<T> type, long[] unreadable) throws IOException {
        List<T> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    T value = decode(line.getBytes(StandardCharsets.UTF_8), type);
                    if (value == null) {
                        unreadable[0]++;
                    } else {
                        out.add(value);
                    }
                }
            }
        }
        return out;
    }

    private static <T> T decode(byte[] json, Class<T> type) {
        try {
            return json == null ? null : WireJson.read(json, type);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Reads both topics from the beginning with {@code read_committed} (so aborted transactions of the exactly-once
     * services are not counted) until every partition has reached the end it had when reading started and no record
     * has arrived for {@code idle}. No consumer group: nothing is committed.
     *
     * @throws IllegalStateException when the broker does not answer within {@code timeout} or a topic does not exist
     */
    public static SystemOutputs fromKafka(String bootstrap, String forecastsTopic, String anomaliesTopic, Duration idle, Duration timeout,
                                   PrintWriter log) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        KafkaSecurity.applyTo(p);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "forecast-scenario-score-" + UUID.randomUUID());
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(30_000, timeout.toMillis())));
        List<ForecastRecord> forecasts = new ArrayList<>();
        List<AnomalyRecord> anomalies = new ArrayList<>();
        long unreadable = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(forecastsTopic, anomaliesTopic)) {
                List<PartitionInfo> info = consumer.partitionsFor(topic, timeout);
                if (info == null || info.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " does not exist at " + bootstrap);
                }
                info.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout)); // the last stable offsets
            long lastRecord = System.nanoTime();
            long lastProgress = System.nanoTime();
            while (true) {
                var batch = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, byte[]> r : batch) {
                    boolean ok = r.topic().equals(forecastsTopic)
                            ? add(forecasts, decode(r.value(), ForecastRecord.class))
                            : add(anomalies, decode(r.value(), AnomalyRecord.class));
                    unreadable += ok ? 0 : 1;
                }
                long now = System.nanoTime();
                if (!batch.isEmpty()) {
                    lastRecord = now;
                }
                boolean caughtUp = partitions.stream().allMatch(tp -> consumer.position(tp, timeout) >= end.get(tp));
                if (caughtUp && now - lastRecord >= idle.toNanos()) {
                    break;
                }
                if (now - lastProgress > Duration.ofSeconds(5).toNanos()) {
                    log.printf("  read %d forecasts and %d alert transitions so far%n", forecasts.size(), anomalies.size());
                    log.flush();
                    lastProgress = now;
                }
            }
        } catch (KafkaException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + ": " + e.getMessage(), e);
        }
        return new SystemOutputs(forecasts, anomalies, unreadable);
    }

    private static <T> boolean add(List<T> list, T value) {
        if (value == null) {
            return false;
        }
        list.add(value);
        return true;
    }
}
