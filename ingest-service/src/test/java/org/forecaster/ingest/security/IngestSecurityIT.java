package org.forecaster.ingest.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.Topics;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.testkit.KafkaTestResource;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the ingest service (issue 17), each against the running service on a real in-process broker: an
 * unauthenticated 16 MiB upload, a key of another scope, a rotated-out key, and a flood of series ids. Each asserts
 * the refusal and that legitimate traffic still gets through. The ingest keys come from a key file re-read on every
 * request (keys-reload 0); the live-series cap is 10 on this instance.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(name = "topics",
        value = "telemetry.raw:1,telemetry.points:1,telemetry.dlq:1"))
@TestProfile(IngestSecurityIT.KeyFileProfile.class)
class IngestSecurityIT {
    static final Path KEYS_FILE = keysFile();
    static final String OLD_KEY = "old-ingest-key";
    static final String NEW_KEY = "new-ingest-key";
    static final String READ_KEY = "a-read-scope-key";
    static final int MAX_LIVE_SERIES = 10;
    private static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    public static final class KeyFileProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.kafka-streams.application-id", "ingest-service-security",
                    "kafka-streams.state.dir", "target/kstreams-state-security",
                    "forecast.security.ingest-keys-file", KEYS_FILE.toString(),
                    "forecast.security.keys-reload", "PT0S",
                    "forecast.ingest.quota.max-live-series", Integer.toString(MAX_LIVE_SERIES),
                    // The only ingest keys are the file's: the profile's fixed test key is switched off.
                    "forecast.ingest.http.api-key", "");
        }
    }

    @Inject
    MeterRegistry registry;

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    /**
     * A fixed path: the profile and the test instance live in different class loaders, so each runs this initializer,
     * and a temp file would be two files (the rotation would edit one the service does not read).
     */
    private static Path keysFile() {
        try {
            Path file = Path.of("target", "security-it", "ingest.keys").toAbsolutePath();
            Files.createDirectories(file.getParent());
            Files.writeString(file, OLD_KEY + "\n" + NEW_KEY + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldRefuseAnUnauthenticated16MibUploadWithoutReadingIt() throws Exception {
        double refusedBefore = counter("forecast.ingest.http.rejected", "reason", "unauthorized");
        int sixteenMib = 16 * 1024 * 1024;
        try (Socket socket = new Socket(eventsUri.getHost(), eventsUri.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/events HTTP/1.1\r\nHost: " + eventsUri.getHost() + "\r\nContent-Type: application/x-ndjson\r\n"
                    + "Content-Length: " + sixteenMib + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Only the headers were sent: a server that reads the body before checking the key would wait for it
            // and this read would time out.
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 401 Unauthorized", in.readLine());
            List<String> headers = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                headers.add(line.toLowerCase(Locale.ROOT));
            }
            assertTrue(headers.contains("connection: close"), "connection closed instead of draining the body: " + headers);
            // The server closed the connection: the 16 MiB cannot be delivered (a reading server would take it all).
            byte[] chunk = new byte[64 * 1024];
            assertThrows(IOException.class, () -> {
                for (int sent = 0; sent < sixteenMib; sent += chunk.length) {
                    out.write(chunk);
                }
                out.flush();
            });
        }
        assertEquals(refusedBefore + 1, counter("forecast.ingest.http.rejected", "reason", "unauthorized"));
        // Nothing else lost: a keyed client is still served.
        send(NEW_KEY, event("after-upload", T0, 1)).then().statusCode(202);
    }

    @Test
    void shouldRefuseAKeyOfAnotherScopeAndAMissingOne() {
        send(READ_KEY, event("read-scope", T0, 1)).then().statusCode(401);
        given().contentType("application/x-ndjson").body(event("no-key", T0, 1).getBytes(StandardCharsets.UTF_8)).post(eventsUri)
                .then().statusCode(401);
        given().header("Authorization", "Bearer " + READ_KEY).contentType("application/x-protobuf").body(new byte[10])
                .post(eventsUri.resolve("/api/v1/write")).then().statusCode(401);
        send(OLD_KEY, event("right-scope", T0, 1)).then().statusCode(202);
    }

    @Test
    void shouldAcceptBothKeysDuringARotationAndRefuseTheRemovedOneAfterReload() throws IOException {
        Path rotating = KEYS_FILE;
        String before = Files.readString(rotating);
        try {
            send(OLD_KEY, event("rotation", T0, 1)).then().statusCode(202);
            send(NEW_KEY, event("rotation", T0.plusSeconds(1), 2)).then().statusCode(202);
            Files.writeString(rotating, NEW_KEY + "\n");
            send(OLD_KEY, event("rotation", T0.plusSeconds(2), 3)).then().statusCode(401);
            send(NEW_KEY, event("rotation", T0.plusSeconds(3), 4)).then().statusCode(202);
            // Bearer (remote-write) follows the same file.
            given().header("Authorization", "Bearer " + OLD_KEY).contentType("application/x-protobuf").body(new byte[10])
                    .post(eventsUri.resolve("/api/v1/write")).then().statusCode(401);
        } finally {
            Files.writeString(rotating, before);
        }
    }

    @Test
    void shouldDeadLetterASeriesFloodOverTheCapAndKeepTheLiveSeriesWindowing() {
        EmbeddedKafka broker = KafkaTestResource.broker();
        Instant t = Instant.parse("2025-04-01T00:00:00Z"); // after every other test's events: none of them is late
        List<String> live = List.of("live-a", "live-b");
        StringBuilder first = new StringBuilder();
        live.forEach(s -> first.append(event(s, t, 10)));
        send(NEW_KEY, first.toString()).then().statusCode(202);
        // Well over the cap: whatever live series the other tests left open, most of the flood is refused.
        int flood = 40;
        StringBuilder attack = new StringBuilder();
        for (int i = 0; i < flood; i++) {
            attack.append(event("flood-" + i, t.plusSeconds(1), 99));
        }
        send(NEW_KEY, attack.toString()).then().statusCode(202);
        StringBuilder later = new StringBuilder();
        live.forEach(s -> later.append(event(s, t.plusSeconds(5), 20)).append(event(s, t.plusSeconds(60), 30)));
        send(NEW_KEY, later.toString()).then().statusCode(202);

        List<ConsumerRecord<String, byte[]>> quota = broker.consumeUntil(Topics.DLQ,
                l -> l.stream().filter(r -> isQuota(r)).count() >= flood - MAX_LIVE_SERIES, DEADLINE, true)
                .stream().filter(IngestSecurityIT::isQuota).toList();
        assertTrue(quota.stream().allMatch(r -> r.key().startsWith("flood-")), "only flood series refused");
        assertTrue(quota.size() >= flood - MAX_LIVE_SERIES, quota.size() + " refused");
        assertTrue(counter("forecast.ingest.events.dead.lettered", "reason", "series-quota") >= quota.size());

        // The live series' first window (both of their events in it) reached the points topic whole.
        List<ConsumerRecord<String, byte[]>> points = broker.consumeUntil(Topics.POINTS,
                l -> live.stream().allMatch(s -> l.stream().anyMatch(r -> r.key().equals(s))), DEADLINE, true);
        for (String s : live) {
            Point p = points.stream().filter(r -> r.key().equals(s)).map(r -> PointReader.read(r.value())).findFirst().orElseThrow();
            assertEquals(2, p.count(), s);
            assertEquals(15.0, p.mean(), 1e-9, s);
        }
    }

    private static boolean isQuota(ConsumerRecord<String, byte[]> r) {
        return "series-quota".equals(EmbeddedKafka.header(r, Topics.DLQ_REASON));
    }

    private io.restassured.response.Response send(String key, String ndjson) {
        return given().header("X-Api-Key", key).contentType("application/x-ndjson").body(ndjson.getBytes(StandardCharsets.UTF_8))
                .post(eventsUri);
    }

    private static String event(String series, Instant ts, double value) {
        return String.format(Locale.ROOT, "{\"series\":\"%s\",\"ts\":\"%s\",\"value\":%s}%n", series, ts, Double.toString(value));
    }

    private double counter(String name, String tag, String value) {
        Counter c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }
}
