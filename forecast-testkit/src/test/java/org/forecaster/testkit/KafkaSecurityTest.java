package org.forecaster.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka part of the security suite, on a real broker (SASL_SSL with a throwaway CA, SCRAM-SHA-512) with the
 * production ACL table ({@link KafkaAcls}): who cannot get in, who cannot write what, and that the services' own
 * traffic still flows.
 */
class KafkaSecurityTest {
    private static final byte[] VALUE = "v".getBytes(StandardCharsets.UTF_8);
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startSecureBroker() {
        kafka = EmbeddedKafka.startSecure();
        kafka.createTopics("telemetry.raw", "telemetry.points", "model.weights", "anomalies");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aClientWithoutCredentialsCanNeitherProduceNorConsume() {
        Map<String, Object> anonymous = Map.of("bootstrap.servers", kafka.bootstrapServers(), "security.protocol", "PLAINTEXT");
        // The SASL listener drops a client that skips the handshake, so it never gets metadata: a timeout.
        Throwable produce = failureOf(() -> send(anonymous, "telemetry.points"));
        assertInstanceOf(TimeoutException.class, produce, "produce without credentials: " + produce);
        Throwable consume = failureOf(() -> partitionsOf(anonymous, "telemetry.points"));
        assertInstanceOf(TimeoutException.class, consume, "consume without credentials: " + consume);
    }

    @Test
    void aClientThatDoesNotTrustTheClusterCaIsRejected() {
        Map<String, Object> untrusting = new HashMap<>(kafka.clientConfig("trainer-service"));
        untrusting.remove("ssl.truststore.type");
        untrusting.remove("ssl.truststore.certificates"); // the JDK's default CAs did not sign the broker's certificate
        Throwable produce = failureOf(() -> send(untrusting, "model.weights"));
        assertInstanceOf(SslAuthenticationException.class, produce, "produce without the cluster CA: " + produce);
    }

    @Test
    void aServiceUserWithAWrongPasswordIsRejected() {
        Map<String, Object> forged = new HashMap<>(kafka.clientConfig("trainer-service"));
        forged.put("sasl.jaas.config", EmbeddedKafka.scramJaasConfig("trainer-service", "guessed"));
        Throwable produce = failureOf(() -> send(forged, "model.weights"));
        assertInstanceOf(SaslAuthenticationException.class, produce, "produce with a wrong password: " + produce);
        Throwable consume = failureOf(() -> partitionsOf(forged, "model.weights"));
        assertInstanceOf(SaslAuthenticationException.class, consume, "consume with a wrong password: " + consume);
    }

    @Test
    void onlyTheTrainerMayPublishModels() {
        for (String user : List.of("ingest-service", "model-service", "alert-forwarder")) {
            Throwable denied = failureOf(() -> send(kafka.clientConfig(user), "model.weights"));
            assertInstanceOf(TopicAuthorizationException.class, denied, user + " writing model.weights: " + denied);
        }
        assertNull(failureOf(() -> send(kafka.clientConfig("trainer-service"), "model.weights")), "the trainer publishes");
        // The published model reaches the model service's principal, in a group of its own prefix.
        List<ConsumerRecord<String, byte[]>> read = consume(kafka.clientConfig("model-service"), "model-service-weights-test", "model.weights", 1);
        assertEquals(1, read.size(), "the model service reads the trainer's model");
    }

    @Test
    void onlyIngestMayWritePoints() {
        Throwable denied = failureOf(() -> send(kafka.clientConfig("model-service"), "telemetry.points"));
        assertInstanceOf(TopicAuthorizationException.class, denied, "model-service writing telemetry.points: " + denied);
        Throwable trainer = failureOf(() -> send(kafka.clientConfig("trainer-service"), "telemetry.points"));
        assertInstanceOf(TopicAuthorizationException.class, trainer, "trainer-service writing telemetry.points: " + trainer);
        assertNull(failureOf(() -> sendTransactionally(kafka.clientConfig("ingest-service"), "ingest-service-security-test", "telemetry.points")),
                "ingest writes points exactly-once, as its Streams app does");
        assertEquals(1, consume(kafka.clientConfig("model-service"), "model-service", "telemetry.points", 1).size(),
                "the model service reads ingest's points");
    }

    @Test
    void aServiceCannotJoinAnotherServicesGroupOrReadWhatItDoesNotNeed() {
        Throwable group = failureOf(() -> consume(kafka.clientConfig("alert-forwarder"), "model-service", "anomalies", 1));
        assertInstanceOf(GroupAuthorizationException.class, group, "alert-forwarder joining model-service's group: " + group);
        Throwable read = failureOf(() -> consume(kafka.clientConfig("alert-forwarder"), "alert-forwarder", "telemetry.raw", 1));
        assertInstanceOf(TopicAuthorizationException.class, read, "alert-forwarder reading telemetry.raw: " + read);
        Throwable txn = failureOf(() -> sendTransactionally(kafka.clientConfig("ingest-service"), "model-service-stolen", "telemetry.points"));
        assertInstanceOf(TransactionalIdAuthorizationException.class, txn, "ingest-service using model-service's transactional ids: " + txn);
    }

    @Test
    void kedaReadsLagButNoRecords() {
        assertNull(failureOf(() -> {
            try (Admin admin = Admin.create(withShortTimeouts(kafka.clientConfig("keda-lag-reader")))) {
                return admin.listConsumerGroupOffsets("model-service").partitionsToOffsetAndMetadata().get();
            }
        }), "KEDA reads the model service's committed offsets");
        Throwable consume = failureOf(() -> consume(kafka.clientConfig("keda-lag-reader"), "model-service", "telemetry.points", 1));
        assertInstanceOf(GroupAuthorizationException.class, consume, "KEDA's user joining model-service's group: " + consume);
    }

    private static RecordMetadata send(Map<String, Object> config, String topic) throws Exception {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(withShortTimeouts(config), new StringSerializer(), new ByteArraySerializer())) {
            return p.send(new ProducerRecord<>(topic, "k", VALUE)).get();
        }
    }

    private static RecordMetadata sendTransactionally(Map<String, Object> config, String transactionalId, String topic) throws Exception {
        Map<String, Object> c = withShortTimeouts(config);
        c.put("transactional.id", transactionalId);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer())) {
            p.initTransactions();
            p.beginTransaction();
            RecordMetadata written = p.send(new ProducerRecord<>(topic, "k", VALUE)).get();
            p.commitTransaction();
            return written;
        }
    }

    private static Object partitionsOf(Map<String, Object> config, String topic) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(withShortTimeouts(config), new StringDeserializer(), new ByteArrayDeserializer())) {
            return c.partitionsFor(topic, Duration.ofSeconds(3));
        }
    }

    /** Subscribes in {@code group} and reads until {@code count} records arrived or 20 s passed. */
    private static List<ConsumerRecord<String, byte[]>> consume(Map<String, Object> config, String group, String topic, int count) {
        Map<String, Object> c = withShortTimeouts(config);
        c.put("group.id", group);
        c.put("auto.offset.reset", "earliest");
        c.put("isolation.level", "read_committed");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** A refused client must fail within seconds, not after the default minute. */
    private static Map<String, Object> withShortTimeouts(Map<String, Object> config) {
        Map<String, Object> c = new HashMap<>(config);
        c.put("max.block.ms", 3000);
        c.put("delivery.timeout.ms", 5000);
        c.put("request.timeout.ms", 3000);
        c.put("default.api.timeout.ms", 3000);
        return c;
    }

    /** The root failure of {@code action} (thrown, or the cause of a failed future), or null when it succeeded. */
    private static Throwable failureOf(Callable<?> action) {
        try {
            action.call();
            return null;
        } catch (Exception e) {
            Throwable t = e;
            // Unwrap futures and the clients' generic wrapper down to the specific Kafka error.
            while ((t instanceof ExecutionException || t.getClass() == KafkaException.class) && t.getCause() != null) {
                t = t.getCause();
            }
            return t;
        }
    }
}
