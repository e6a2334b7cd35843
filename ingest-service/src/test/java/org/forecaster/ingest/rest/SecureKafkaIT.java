package org.forecaster.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.Topics;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.testkit.KafkaTestResource;
import org.junit.jupiter.api.Test;

/**
 * The ingest service on an authenticated broker (SASL_SSL, SCRAM-SHA-512, a throwaway CA), as the KafkaUser
 * ingest-service with the production ACLs of deploy/kafka-acls.txt: its HTTP emitter and its exactly-once Streams
 * app (group, changelogs, transactional ids) take the kafka.* security settings, and the points it commits are read
 * by another principal (model-service, read_committed). The ACLs are least privilege: a client without credentials
 * or with a wrong password is refused, and the ingest principal cannot publish a model.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "topics", value = "telemetry.raw:2,telemetry.points:2,telemetry.dlq:1,model.weights:1"),
        @ResourceArg(name = "kafka-user", value = "ingest-service")})
@TestProfile(SecureKafkaIT.OwnStreamsState.class)
class SecureKafkaIT {
    private static final Instant T0 = Instant.parse("2025-04-01T00:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String KEY = "test-key";

    /**
     * Keeps application.id ingest-service (the ACLs grant its group, internal topics and transactional ids by that
     * name) but gives this broker's app its own state directory, so no other IT's local state meets it.
     */
    public static final class OwnStreamsState implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka-streams.state.dir", "target/kstreams-state-secure");
        }
    }

    private static String line(String series, Instant ts, double value) {
        return String.format(Locale.ROOT, "{\"series\":\"%s\",\"ts\":\"%s\",\"value\":%s}", series, ts, Double.toString(value));
    }

    @Test
    void httpBatchesAndRawEventsBecomePointsAsTheIngestUser() {
        EmbeddedKafka kafka = KafkaTestResource.broker();
        Instant httpStart = T0;
        String body = String.join("\n", line("secure-http", httpStart.plusSeconds(1), 2.0), line("secure-http", httpStart.plusSeconds(3), 4.0),
                line("secure-http", httpStart.plusSeconds(9), 9.0), line("secure-http", httpStart.plusSeconds(12), 0.0)) + "\n";
        given().header("X-Api-Key", KEY).contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/events")
                .then().statusCode(202).body("accepted", equalTo(4)).body("rejected", equalTo(0));

        // Raw events from another producer (the super user, standing in for an upstream system with its own user), in
        // the same window as the batch, so neither series' events can be late behind the other's on a shared partition.
        Instant rawStart = T0;
        List<ProducerRecord<String, byte[]>> raw = new ArrayList<>();
        double[] values = {1.0, 5.0, 3.0};
        for (int i = 0; i < values.length; i++) {
            raw.add(new ProducerRecord<>(Topics.RAW, "secure-raw", bytes(line("secure-raw", rawStart.plusSeconds(1 + i), values[i]))));
        }
        raw.add(new ProducerRecord<>(Topics.RAW, "secure-raw", bytes(line("secure-raw", rawStart.plusSeconds(12), 0.0))));
        kafka.send(raw);

        Map<String, Point> firstWindow = readPointsAsModelService(kafka, Map.of("secure-http", httpStart, "secure-raw", rawStart));
        Point http = firstWindow.get("secure-http");
        assertEquals(3, http.count(), http.toString());
        assertEquals(5.0, http.mean(), 1e-12);
        assertEquals(9.0, http.last());
        Point fromRaw = firstWindow.get("secure-raw");
        assertEquals(3, fromRaw.count(), fromRaw.toString());
        assertEquals(3.0, fromRaw.mean(), 1e-12);
        assertEquals(5.0, fromRaw.max());
    }

    @Test
    void clientsWithoutValidCredentialsAreRefused() {
        EmbeddedKafka kafka = KafkaTestResource.broker();
        Map<String, Object> wrongPassword = new HashMap<>(kafka.clientConfig("ingest-service"));
        wrongPassword.put("sasl.jaas.config", EmbeddedKafka.scramJaasConfig("ingest-service", "not-the-password"));
        Throwable refused = listTopicsFailure(wrongPassword);
        assertTrue(causes(refused, SaslAuthenticationException.class), "a wrong SCRAM password is refused: " + refused);

        // TLS to the right CA but no SASL: the listener never lets it past the handshake, so nothing is listed.
        Map<String, Object> anonymous = new HashMap<>(kafka.clientConfig("ingest-service"));
        anonymous.remove("sasl.mechanism");
        anonymous.remove("sasl.jaas.config");
        anonymous.put("security.protocol", "SSL");
        listTopicsFailure(anonymous);

        // A plaintext client on the TLS port gets nothing either.
        listTopicsFailure(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    @Test
    void theIngestUserCannotPublishAModel() throws Exception {
        EmbeddedKafka kafka = KafkaTestResource.broker();
        Properties p = new Properties();
        p.putAll(kafka.clientConfig("ingest-service"));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            Throwable denied = assertThrows(Exception.class,
                    () -> producer.send(new ProducerRecord<>(Topics.WEIGHTS, "forecaster", new byte[] {1, 2, 3})).get(30, TimeUnit.SECONDS));
            assertTrue(causes(denied, TopicAuthorizationException.class), "model.weights is the trainer's alone: " + denied);
            // The same principal may write its own topic: the refusal above is the ACL, not a broken client.
            producer.send(new ProducerRecord<>(Topics.DLQ, "acl-probe", bytes("{}"))).get(30, TimeUnit.SECONDS);
        }
        assertEquals(0, kafka.consumeUntil(Topics.WEIGHTS, l -> !l.isEmpty(), Duration.ofSeconds(3), false).size(),
                "nothing reached model.weights");
    }

    /** Reads telemetry.points as the model-service user until each series has its point at the given window start. */
    private static Map<String, Point> readPointsAsModelService(EmbeddedKafka kafka, Map<String, Instant> wanted) {
        Properties p = new Properties();
        p.putAll(kafka.clientConfig("model-service"));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "model-service-secure-it"); // model-service may use groups model-service*
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<String, Point> found = new HashMap<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(Topics.POINTS));
            while (found.size() < wanted.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Point point = PointReader.read(r.value());
                    if (point.windowStart().equals(wanted.get(r.key()))) {
                        found.put(r.key(), point);
                    }
                }
            }
        }
        if (found.size() < wanted.size()) {
            fail("points read as model-service within " + DEADLINE + ": " + found.keySet() + ", wanted " + wanted);
        }
        return found;
    }

    /** Lists topics with {@code config} and returns why that failed; fails the test if it succeeded. */
    private static Throwable listTopicsFailure(Map<String, Object> config) {
        Map<String, Object> c = new HashMap<>(config);
        c.put("default.api.timeout.ms", 8_000);
        c.put("request.timeout.ms", 4_000);
        try (Admin admin = Admin.create(c)) {
            var names = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            fail("a client without valid credentials listed topics " + names + " (" + config.get("security.protocol") + ")");
            return null;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean causes(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
