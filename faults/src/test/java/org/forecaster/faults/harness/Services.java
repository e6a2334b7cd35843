package org.forecaster.faults.harness;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.wire.Topics;

/** The configurations the fault tests start the services with, and the undisturbed reference run. */
public final class Services {
    /** Prefix of the reference run's output topics. */
    public static final String REF = "ref.";
    public static final String MODEL = "model-service", INGEST = "ingest-service", TRAINER = "trainer-service";

    public static final String API_KEY = "faults-key";

    private Services() {}

    /**
     * The model service as deployed (application id {@code model-service}, production topics), with the faster
     * session timeout the tests of the service use, so a killed member leaves its group within seconds.
     */
    public static Map<String, String> modelService() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("kafka-streams.consumer.session.timeout.ms", "6000");
        c.put("kafka-streams.consumer.heartbeat.interval.ms", "1000");
        // These tests kill processes, not forge models: they publish unsigned (signatures: SignedWeightsIT).
        c.put("forecast.serving.model.require-signature", "false");
        // The fault tests read /api/v1/model without keys; read access is tested in the services' own suites.
        c.put("forecast.security.anonymous-read", "true");
        return c;
    }

    /**
     * The ingest service with the local run's 5-minute windows (1-minute grace) and the faster session timeout.
     */
    public static Map<String, String> ingestService() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("forecast.ingest.window.step", "PT5M");
        c.put("forecast.ingest.window.grace", "PT1M");
        c.put("forecast.ingest.http.api-key", API_KEY);
        // The feeder's closing events close every window; no idle close while a test kills and restarts things.
        c.put("forecast.ingest.window.idle-close", "PT1H");
        c.put("kafka-streams.consumer.session.timeout.ms", "6000");
        c.put("kafka-streams.consumer.heartbeat.interval.ms", "1000");
        return c;
    }

    /**
     * The trainer as the local run configures it for the 5-minute sample (the bootstrap model's architecture, so it
     * fine-tunes it), triggered only by the API, with patience high enough that a long run is not cut short.
     */
    public static Map<String, String> trainerService() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("forecast.trainer.api-key", API_KEY);
        c.put("forecast.trainer.signing.required", "false");
        c.put("forecast.trainer.interval", "off");
        c.put("forecast.trainer.step", "PT5M");
        c.put("forecast.trainer.model.hidden", "32");
        c.put("forecast.trainer.model.horizon", "12");
        c.put("forecast.trainer.evaluation.season-steps", "288");
        c.put("forecast.trainer.training.patience", "1000");
        return c;
    }

    /**
     * The undisturbed reference: the same packaged model service under its own application id (its own group, state
     * and changelog), reading the same points and writing {@code ref.forecasts}, {@code ref.anomalies} and
     * {@code ref.dlq}. Same code and model over the same input must give the same bytes.
     */
    public static Map<String, String> referenceModelService() {
        Map<String, String> c = modelService();
        c.put("quarkus.kafka-streams.application-id", "model-service-ref");
        c.put("forecast.serving.forecasts-topic", REF + Topics.FORECASTS);
        c.put("forecast.serving.anomalies-topic", REF + Topics.ANOMALIES);
        c.put("forecast.serving.dlq-topic", REF + Topics.DLQ);
        return c;
    }

    /**
     * {@code config} with Kafka Streams' internal topics (changelogs, repartition topics) at the replication factor
     * of {@code brokers}, as the production overlay sets {@code KAFKA_STREAMS_REPLICATION_FACTOR}: on a cluster a
     * changelog on one broker would be lost with it. Their {@code min.insync.replicas} is the brokers' default.
     */
    public static Map<String, String> replicatedOn(Brokers brokers, Map<String, String> config) {
        Map<String, String> c = new LinkedHashMap<>(config);
        c.put("kafka-streams.replication.factor", Integer.toString(brokers.replicationFactor()));
        return c;
    }

    /** The production topics and the reference run's output topics (with the production settings). */
    public static void createTopics(Brokers broker) {
        broker.createProductionTopics();
        broker.createLike(REF + Topics.FORECASTS, Topics.FORECASTS);
        broker.createLike(REF + Topics.ANOMALIES, Topics.ANOMALIES);
        broker.createLike(REF + Topics.DLQ, Topics.DLQ);
    }

    /** Publishes a model file on the weights topic under its model name, as the trainer and the CLI do. */
    public static void publishModel(Brokers broker, byte[] model) {
        send(broker, List.of(new ProducerRecord<>(Topics.WEIGHTS, ModelReader.read(model).header().name(), model)));
    }

    /** Sends records and waits for every acknowledgement. */
    public static void send(Brokers broker, List<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> p = KafkaIO.producer(broker.bootstrap())) {
            List<java.util.concurrent.Future<?>> acks = new java.util.ArrayList<>();
            for (ProducerRecord<String, byte[]> r : records) {
                acks.add(p.send(r));
            }
            for (java.util.concurrent.Future<?> a : acks) {
                a.get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + records.size() + " records: " + e, e);
        }
    }

    /** Waits until {@code topic} holds at least {@code count} committed records; returns them. */
    public static List<ConsumerRecord<String, byte[]>> awaitCommitted(Brokers broker, String topic, int count,
            Duration timeout, ServiceProcess... watched) {
        List<List<ConsumerRecord<String, byte[]>>> last = new java.util.ArrayList<>(List.of(List.of()));
        Await.until(count + " committed records on " + topic, timeout, () -> {
            for (ServiceProcess s : watched) {
                if (!s.isAlive()) {
                    throw new AssertionError(s + " died:\n" + Logs.tail(s.log(), 40));
                }
            }
            last.set(0, KafkaIO.readCommitted(broker.bootstrap(), topic));
            return last.get(0).size() >= count;
        }, () -> " (found " + last.get(0).size() + ")" + tails(watched));
        return last.get(0);
    }

    /**
     * Waits until consumer group {@code group} has committed offsets at the end of every partition of {@code topic}:
     * under exactly-once its outputs for all of the input are then committed too.
     */
    public static void awaitCaughtUp(Brokers broker, String group, String topic, Duration timeout) {
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, Long> lag = new java.util.HashMap<>();
            Await.until("group " + group + " to commit the end of " + topic, timeout, () -> {
                try {
                    Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                            .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                    var ends = admin.listOffsets(latest).all().get();
                    var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                    lag.clear();
                    ends.forEach((tp, end) -> {
                        OffsetAndMetadata c = committed.get(tp);
                        long behind = end.offset() - (c == null ? 0 : c.offset());
                        if (behind > 0) {
                            lag.put(tp, behind);
                        }
                    });
                    return lag.isEmpty();
                } catch (Exception e) {
                    return false;
                }
            }, () -> ": still behind " + lag);
        }
    }

    private static String tails(ServiceProcess... services) {
        StringBuilder b = new StringBuilder();
        for (ServiceProcess s : services) {
            b.append("\n--- ").append(s).append(" ").append(s.log()).append(":\n").append(Logs.tail(s.log(), 25));
        }
        return b.toString();
    }
}
