package org.forecaster.ingest.rest;

import static org.hamcrest.Matchers.notNullValue;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointBinary;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.Topics;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.testkit.KafkaTestResource;
import org.forecaster.testkit.Management;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole service (Kafka Streams, HTTP endpoint, emitter) against a real in-process KRaft broker.
 * Test profile: step 10 s, grace 2 s, request limit 4096 bytes, API key "test-key". Every test uses its
 * own series.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(name = "topics",
        value = "telemetry.raw:2,telemetry.points:2,telemetry.dlq:1"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IngestPipelineIT {
    private static final Instant BASE = Instant.parse("2024-05-01T12:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String KEY = "test-key";

    private static byte[] event(String series, Instant ts, double value) {
        return line(series, ts, value).getBytes(StandardCharsets.UTF_8);
    }

    private static String line(String series, Instant ts, double value) {
        return String.format(Locale.ROOT, "{\"series\":\"%s\",\"ts\":\"%s\",\"value\":%s}", series, ts, Double.toString(value));
    }

    private static Point awaitPoint(String series, Instant windowStart) {
        List<ConsumerRecord<String, byte[]>> got = KafkaTestResource.broker().consumeUntil(Topics.POINTS,
                l -> l.stream().anyMatch(r -> series.equals(r.key())), DEADLINE, true);
        // The service's default form since issue 18 (forecast.ingest.points-format=binary).
        got.stream().filter(r -> series.equals(r.key())).forEach(r -> assertEquals(PointBinary.VERSION_1, r.value()[0], "binary point"));
        return got.stream().filter(r -> series.equals(r.key())).map(r -> PointReader.read(r.value()))
                .filter(p -> p.windowStart().equals(windowStart)).findFirst()
                .orElseThrow(() -> new AssertionError("no point for " + series + " at " + windowStart + " within " + DEADLINE));
    }

    @Test
    @Order(1)
    void shouldTurnRawEventsOnTheTopicIntoPointsAndDeadLetterBadOnes() {
        Instant t0 = BASE;
        String s = "it-raw";
        KafkaTestResource.broker().send(List.of(
                new ProducerRecord<>(Topics.RAW, s, event(s, t0.plusSeconds(1), 1.0)),
                new ProducerRecord<>(Topics.RAW, s, "{\"series\":\"it-raw\",\"ts\":".getBytes(StandardCharsets.UTF_8)),
                new ProducerRecord<>(Topics.RAW, s, event(s, t0.plusSeconds(4), 5.0)),
                new ProducerRecord<>(Topics.RAW, s, event(s, t0.plusSeconds(2), 3.0)),
                new ProducerRecord<>(Topics.RAW, s, event(s, t0.plusSeconds(12), 0.0))));

        Point p = awaitPoint(s, t0);
        assertEquals(3, p.count());
        assertEquals(3.0, p.mean(), 1e-12);
        assertEquals(1.0, p.min());
        assertEquals(5.0, p.max());
        assertEquals(5.0, p.last());
        assertEquals(t0.plusSeconds(10), p.windowEnd());

        List<ConsumerRecord<String, byte[]>> dead = KafkaTestResource.broker().consumeUntil(Topics.DLQ,
                l -> l.stream().anyMatch(r -> s.equals(r.key())), DEADLINE, true);
        ConsumerRecord<String, byte[]> d = dead.stream().filter(r -> s.equals(r.key())).findFirst().orElseThrow();
        assertEquals("malformed-json", EmbeddedKafka.header(d, Topics.DLQ_REASON));
        assertEquals(Topics.RAW, EmbeddedKafka.header(d, Topics.DLQ_SOURCE_TOPIC));
        assertTrue(Integer.parseInt(EmbeddedKafka.header(d, Topics.DLQ_SOURCE_PARTITION)) >= 0);
        assertTrue(Long.parseLong(EmbeddedKafka.header(d, Topics.DLQ_SOURCE_OFFSET)) >= 0);
    }

    @Test
    @Order(2)
    void shouldRoundTripHttpEventsToPoints() {
        Instant t0 = BASE.plusSeconds(3600);
        String s = "it-http";
        String body = String.join("\n", line(s, t0.plusSeconds(1), 2.0), line(s, t0.plusSeconds(3), 4.0),
                line(s, t0.plusSeconds(9), 9.0), line(s, t0.plusSeconds(12), 0.0)) + "\n";
        given().header("X-Api-Key", KEY).contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/api/v1/events")
                .then().statusCode(202).body("accepted", equalTo(4)).body("rejected", equalTo(0));
        Point p = awaitPoint(s, t0);
        assertEquals(3, p.count());
        assertEquals(5.0, p.mean(), 1e-12);
        assertEquals(9.0, p.last());
    }

    @Test
    @Order(3)
    void shouldAcceptAJsonArrayAndASingleObject() {
        Instant t0 = BASE.plusSeconds(7200);
        given().header("X-Api-Key", KEY).contentType("application/json")
                .body("[" + line("it-array", t0.plusSeconds(1), 1.0) + "," + line("it-array", t0.plusSeconds(2), 2.0) + "]")
                .when().post("/api/v1/events").then().statusCode(202).body("accepted", equalTo(2));
        given().header("X-Api-Key", KEY).contentType("application/json")
                .body("{\n  \"series\": \"it-array\",\n  \"ts\": \"" + t0.plusSeconds(3) + "\",\n  \"value\": 3\n}")
                .when().post("/api/v1/events").then().statusCode(202).body("accepted", equalTo(1));
    }

    @Test
    @Order(4)
    void shouldRefuseRequestsWithoutTheRightKey() {
        String body = line("it-auth", BASE.plusSeconds(7200), 1.0);
        given().contentType("application/json").body(body).when().post("/api/v1/events")
                .then().statusCode(401).body("error", equalTo("unauthorized"));
        given().header("X-Api-Key", "test-kez").contentType("application/json").body(body).when().post("/api/v1/events")
                .then().statusCode(401).body("error", equalTo("unauthorized"));
    }

    @Test
    @Order(5)
    void shouldRefuseBodiesOverTheSizeLimit() {
        StringBuilder body = new StringBuilder();
        while (body.length() <= 4096) {
            body.append(line("it-big", BASE.plusSeconds(7200), 1.0)).append('\n');
        }
        given().header("X-Api-Key", KEY).contentType("application/x-ndjson").body(body.toString().getBytes(StandardCharsets.UTF_8)).when().post("/api/v1/events")
                .then().statusCode(413).body("error", equalTo("too-large"));
    }

    @Test
    @Order(6)
    void shouldReportBadLinesAndStillSendGoodOnes() {
        Instant t0 = BASE.plusSeconds(10800);
        String body = String.join("\n",
                line("it-lines-1", t0.plusSeconds(1), 1.0),
                "{\"series\":\"it-lines-x\",\"ts\":\"" + t0 + "\",\"value\":\"high\"}",
                "{not json",
                line("it-lines-2", t0.plusSeconds(2), 2.0));
        given().header("X-Api-Key", KEY).contentType("application/x-ndjson").body(body.getBytes(StandardCharsets.UTF_8)).when().post("/api/v1/events")
                .then().statusCode(400)
                .body("accepted", equalTo(2)).body("rejected", equalTo(2)).body("errors", hasSize(2))
                .body("errors[0].line", equalTo(2)).body("errors[0].reason", equalTo("bad-value"))
                .body("errors[1].line", equalTo(3)).body("errors[1].reason", equalTo("malformed-json"));
        List<ConsumerRecord<String, byte[]>> raw = KafkaTestResource.broker().consumeUntil(Topics.RAW,
                l -> l.stream().filter(r -> r.key() != null && r.key().startsWith("it-lines-")).count() >= 2, DEADLINE, true);
        assertEquals(List.of("it-lines-1", "it-lines-2"),
                raw.stream().map(ConsumerRecord::key).filter(k -> k != null && k.startsWith("it-lines-")).sorted().toList());
    }

    /**
     * Issue 16: a series' events are late only by its own event time. Series "it-new" sends events far ahead first;
     * then "it-backfill", which the re-key puts on the same partition, sends older data without a key (a plain
     * producer's backfill). Under partition stream time every backfilled event was late; now none is.
     */
    @Test
    @Order(8)
    void shouldNotDeadLetterABackfillBecauseAnotherSeriesOnItsPartitionIsAhead() {
        String ahead = "it-new", backfill = "it-backfill";
        assertEquals(BuiltInPartitioner.partitionForKey(ahead.getBytes(StandardCharsets.UTF_8), 2),
                BuiltInPartitioner.partitionForKey(backfill.getBytes(StandardCharsets.UTF_8), 2), "both on one partition");
        Instant far = BASE.plus(Duration.ofDays(1));
        KafkaTestResource.broker().send(List.of(
                new ProducerRecord<>(Topics.RAW, null, event(ahead, far.plusSeconds(1), 1.0)),
                new ProducerRecord<>(Topics.RAW, null, event(ahead, far.plusSeconds(12), 2.0))));
        awaitPoint(ahead, far);

        Instant t0 = BASE.plus(Duration.ofHours(5));
        List<ProducerRecord<String, byte[]>> old = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            old.add(new ProducerRecord<>(Topics.RAW, null, event(backfill, t0.plusSeconds(i), i)));
        }
        KafkaTestResource.broker().send(old);
        // Windows [0, 10) .. [20, 30) close by the series' own time (39 s >= 30 + 2); [30, 40) stays open.
        for (int w = 0; w < 3; w++) {
            Point p = awaitPoint(backfill, t0.plusSeconds(10L * w));
            assertEquals(10, p.count(), "window " + w + " has all its events");
        }
        List<ConsumerRecord<String, byte[]>> dead = KafkaTestResource.broker().consumeUntil(Topics.DLQ, l -> false,
                Duration.ofSeconds(2), true);
        assertEquals(0, dead.stream().filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(backfill)).count(),
                "no backfilled event is late");
    }

    /**
     * Issue 16 at scale: a plain producer (no keys, sticky partitioning) backfills {@code forecast.it.backfill-series}
     * (default 20; 100 makes the issue's 1,000,000 events) series of 10,000 one-second events each, 10 per 10-second
     * window, the series interleaved in time order as an exporter sends them, while 4 keyed live series, a day ahead,
     * keep sending. No backfilled event is dead-lettered, and every closed window of every series comes out exactly
     * once with all 10 of its events.
     *
     * <p>Opt-in (set {@code forecast.it.backfill-series}) because it is slow, not because it fails: about 70 s on the
     * 2-core build machine, above the default suite's budget of 60 s per test. Before the raw partitions' progress
     * reached every window task it passed twice and failed once (3,814 of 19,980 windows missing: one partition's task
     * ran far ahead before the other had carried the series); with it ({@code RekeyProcessor},
     * {@code RawPartitionWatermark}) it has passed every run, 0 late and all 19,980 windows once (ingest README).
     */
    @Test
    @Order(9)
    void shouldWindowAMillionEventBackfillExactlyOnceWhileLiveDataFlows() throws Exception {
        Integer configured = Integer.getInteger("forecast.it.backfill-series");
        org.junit.jupiter.api.Assumptions.assumeTrue(configured != null, "opt-in: -Dforecast.it.backfill-series=20");
        int series = configured, perSeries = 10_000, live = 4;
        long started = System.nanoTime();
        Instant t0 = BASE.plus(Duration.ofDays(3)), liveT0 = t0.plus(Duration.ofDays(1));
        try (var producer = KafkaTestResource.broker().producer()) {
            for (int i = 0; i < perSeries; i++) {
                for (int s = 0; s < series; s++) {
                    producer.send(new ProducerRecord<>(Topics.RAW, null, event("bf-" + s, t0.plusSeconds(i), s + i % 10)));
                }
                if (i % 100 == 0) {
                    for (int k = 0; k < live; k++) {
                        String id = "live-" + k;
                        producer.send(new ProducerRecord<>(Topics.RAW, id, event(id, liveT0.plusSeconds(i / 100), k)));
                    }
                }
            }
            producer.flush();
        }
        // Windows 0..998 of each series close by its own time (its last event, at 9,999 s, is past 9,990 + 2 s grace);
        // the last one closes by idle time, later.
        int closed = perSeries / 10 - 1;
        java.util.Map<String, Point> points = new java.util.HashMap<>();
        int[] read = {0};
        KafkaTestResource.broker().consumeUntil(Topics.POINTS, l -> {
            for (; read[0] < l.size(); read[0]++) {
                ConsumerRecord<String, byte[]> r = l.get(read[0]);
                if (r.key() != null && r.key().startsWith("bf-")) {
                    Point p = PointReader.read(r.value());
                    points.put(p.series() + "@" + p.windowStart(), p);
                }
            }
            return points.size() >= series * closed;
        }, Duration.ofMinutes(5), true);
        int missing = 0, incomplete = 0;
        for (int s = 0; s < series; s++) {
            for (int w = 0; w < closed; w++) {
                Point p = points.get("bf-" + s + "@" + t0.plusSeconds(10L * w));
                if (p == null) {
                    missing++;
                } else if (p.count() != 10) {
                    incomplete++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "backfill of %d events windowed in %.1f s%n", series * perSeries,
                (System.nanoTime() - started) / 1e9);
        assertEquals(0, missing, "windows missing of " + series * closed);
        assertEquals(0, incomplete, "windows without all 10 of their events");
        java.util.Set<String> seen = new java.util.HashSet<>();
        long twice = KafkaTestResource.broker().consumeUntil(Topics.POINTS, l -> false, Duration.ofSeconds(3), true).stream()
                .filter(r -> r.key() != null && r.key().startsWith("bf-"))
                .map(r -> PointReader.read(r.value()))
                .filter(p -> !seen.add(p.series() + "@" + p.windowStart())).count();
        assertEquals(0, twice, "no window twice");
        long lateBackfill = KafkaTestResource.broker().consumeUntil(Topics.DLQ, l -> false, Duration.ofSeconds(2), true).stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains("\"bf-")).count();
        assertEquals(0, lateBackfill, "no backfilled event dead-lettered");
        assertTrue(awaitPoint("live-0", liveT0).count() > 0, "the live series are windowed meanwhile");
    }

    @Test
    @Order(7)
    void shouldExposeHealthMetricsAndOpenApiOnTheManagementPortOnly() {
        given().when().get(Management.url("/q/health/live")).then().statusCode(200).body(containsString("Kafka Streams"));
        given().when().get(Management.url("/q/health/ready")).then().statusCode(200);
        given().when().get(Management.url("/q/metrics")).then().statusCode(200)
                .body(containsString("forecast_ingest_events_accepted_total"))
                .body(containsString("forecast_ingest_events_dead_lettered_total{reason=\"malformed-json\"}"))
                .body(containsString("forecast_ingest_windows_emitted_total"));
        given().when().get(Management.url("/q/openapi")).then().statusCode(200).body(containsString("/api/v1/events"));
        // The document says which key the API takes, and Swagger UI (in production too) lets a reader enter it.
        given().when().get(Management.url("/q/openapi?format=json")).then().statusCode(200)
                .body("components.securitySchemes.'api-key'.type", equalTo("apiKey"))
                .body("components.securitySchemes.'api-key'.name", equalTo("X-Api-Key"))
                .body("security[0].'api-key'", notNullValue());
        // Every response is typed: a record's schema per body, ApiError for every error status (issue 19).
        assertEquals(List.of(), org.forecaster.testkit.OpenApiContract.violations(
                given().when().get(Management.url("/q/openapi?format=json")).asString(), "ApiError"));
        given().when().get(Management.url("/q/swagger-ui/")).then().statusCode(200);
        // The public port (the one the Ingress and anyone on the network reach) serves the API only, key or not.
        for (String path : List.of("/q/health/ready", "/q/metrics", "/q/openapi", "/q/swagger-ui/")) {
            given().header("X-Api-Key", KEY).when().get(path).then().statusCode(404);
        }
    }
}
