package org.forecaster.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KafkaStreams;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.Topics;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.testkit.KafkaTestResource;
import org.forecaster.testkit.MalformedEvents;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Bad input against the whole service on a real in-process broker: a seeded flood of malformed raw records
 * interleaved with valid ones on the topic, then seeded fuzzed requests on the HTTP endpoint. Test profile:
 * step 10 s, grace 2 s, request limit 4096 bytes, API key "test-key", default validation limits. Its own
 * topic layout, so Quarkus starts a fresh application and broker for it (counters start at zero).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true, initArgs = @ResourceArg(name = "topics",
        value = "telemetry.raw:3,telemetry.points:2,telemetry.dlq:2"))
@TestProfile(BadInputIT.OwnStreamsState.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {
    /** Its own application id and state directory, so nothing of this run's Streams state meets IngestPipelineIT's. */
    public static final class OwnStreamsState implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.kafka-streams.application-id", "ingest-service-bad-input", "kafka-streams.state.dir", "target/kstreams-state-bad-input");
        }
    }

    private static final long SEED = 20261122L;
    private static final int MALFORMED = 10_000;
    private static final int AHEAD = 3;
    private static final int VALID = 2_000;
    private static final int SERIES = 5;
    private static final long STEP_MS = 10_000;
    private static final long GRACE_MS = 2_000;
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String KEY = "test-key";
    private static final int MAX_REQUEST_BYTES = 4096;

    @Inject
    KafkaStreams streams;

    @Inject
    MeterRegistry registry;

    @TestHTTPResource("/api/v1/events")
    URI eventsUri;

    /** Expected per window: count, sum, min, max, last (events arrive in time order, so last is the latest). */
    private static final class Window {
        long count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double last;

        void add(double v) {
            count++;
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
            last = v;
        }
    }

    private static byte[] event(String series, Instant ts, double value) {
        return line(series, ts, value).getBytes(StandardCharsets.UTF_8);
    }

    private static String line(String series, Instant ts, double value) {
        return String.format(Locale.ROOT, "{\"series\":\"%s\",\"ts\":\"%s\",\"value\":%s}", series, ts, Double.toString(value));
    }

    @Test
    @Order(1)
    void shouldDeadLetterEveryMalformedRecordWithItsReasonAndWindowTheValidOnesExactly() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        MalformedEvents malformed = new MalformedEvents(SEED, T0.plusSeconds(60));
        Map<String, TreeMap<Long, Window>> expectedWindows = new HashMap<>();
        Map<String, Integer> expectedReasons = new TreeMap<>();
        List<MalformedEvents.Malformed> sentMalformed = new ArrayList<>();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        // Valid events in global time order (one every 97 ms, a random series each), so none is ever late;
        // malformed ones interleaved at random among them. The valid ones are keyed: in a task that also
        // windows re-keyed (unkeyed) events, Kafka Streams interleaves its two inputs by record timestamp, so
        // the order, and with it which events are late, would depend on the timing of the two paths.
        List<String> allSeries = new ArrayList<>();
        for (int i = 0; i < SERIES; i++) {
            allSeries.add("flood-" + i);
        }
        int validLeft = VALID;
        int malformedLeft = MALFORMED;
        long lastTs = 0;
        while (validLeft + malformedLeft > 0) {
            if (random.nextInt(validLeft + malformedLeft) < validLeft) {
                int i = VALID - validLeft--;
                String series = allSeries.get(random.nextInt(SERIES));
                long ts = T0.toEpochMilli() + i * 97L;
                double value = Math.round(random.nextDouble(-100, 100) * 1000) / 1000.0;
                expectedWindows.computeIfAbsent(series, s -> new TreeMap<>())
                        .computeIfAbsent(ts - Math.floorMod(ts, STEP_MS), w -> new Window()).add(value);
                records.add(new ProducerRecord<>(Topics.RAW, series, event(series, Instant.ofEpochMilli(ts), value)));
                lastTs = ts;
                sentMalformed.add(null);
            } else {
                malformedLeft--;
                MalformedEvents.Malformed m = malformed.next();
                expectedReasons.merge(m.reason(), 1, Integer::sum);
                records.add(new ProducerRecord<>(Topics.RAW, m.key(), m.value()));
                sentMalformed.add(m);
            }
        }
        // Well formed but two hours ahead of the service's clock: beyond the accepted skew (30 min) and beyond the
        // broker's own bound for CreateTime timestamps (1 h); as an accepted event it would stop the stream.
        for (int i = 0; i < AHEAD; i++) {
            String series = "ahead-" + i;
            MalformedEvents.Malformed m = new MalformedEvents.Malformed(MalformedEvents.Kind.FAR_FUTURE, i == 0 ? null : series,
                    event(series, Instant.now().plus(Duration.ofHours(2)), 1.0), MalformedEvents.TS_OUT_OF_RANGE);
            expectedReasons.merge(m.reason(), 1, Integer::sum);
            int at = random.nextInt(records.size());
            records.add(at, new ProducerRecord<>(Topics.RAW, m.key(), m.value()));
            sentMalformed.add(at, m);
        }
        // One closing event per series, past the last window's end + grace: it closes every earlier window of
        // its series and its own window stays open (not expected).
        Instant closing = Instant.ofEpochMilli(lastTs + STEP_MS + GRACE_MS + 1);
        for (String series : allSeries) {
            records.add(new ProducerRecord<>(Topics.RAW, series, event(series, closing, 0.0)));
            sentMalformed.add(null);
        }

        // Where each malformed record landed, to match its dead letter by source partition and offset.
        Map<String, MalformedEvents.Malformed> bySource = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer = KafkaTestResource.broker().producer()) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (ProducerRecord<String, byte[]> r : records) {
                acks.add(producer.send(r));
            }
            for (int i = 0; i < acks.size(); i++) {
                RecordMetadata md = acks.get(i).get();
                if (sentMalformed.get(i) != null) {
                    bySource.put(md.partition() + "@" + md.offset(), sentMalformed.get(i));
                }
            }
        }
        int rejected = MALFORMED + AHEAD;
        assertEquals(rejected, bySource.size());

        List<ConsumerRecord<String, byte[]>> dead = KafkaTestResource.broker().consumeUntil(Topics.DLQ, l -> l.size() >= rejected, DEADLINE, true);
        Map<String, Integer> gotReasons = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> d : dead) {
            String reason = EmbeddedKafka.header(d, Topics.DLQ_REASON);
            gotReasons.merge(reason, 1, Integer::sum);
            assertEquals(Topics.RAW, EmbeddedKafka.header(d, Topics.DLQ_SOURCE_TOPIC));
            MalformedEvents.Malformed m = bySource.get(EmbeddedKafka.header(d, Topics.DLQ_SOURCE_PARTITION) + "@"
                    + EmbeddedKafka.header(d, Topics.DLQ_SOURCE_OFFSET));
            assertNotNull(m, () -> "dead letter for no malformed record: key " + d.key() + ", " + reason + ": "
                    + EmbeddedKafka.header(d, Topics.DLQ_MESSAGE));
            assertEquals(m.reason(), reason, () -> m + " dead-lettered as: " + EmbeddedKafka.header(d, Topics.DLQ_MESSAGE));
            assertTrue(EmbeddedKafka.header(d, Topics.DLQ_MESSAGE).length() > 10, "a message for people");
            assertArrayEquals(m.value(), d.value(), "original bytes");
        }
        assertEquals(expectedReasons, gotReasons, "dead letters per reason");
        assertEquals(rejected, dead.size(), "each malformed record dead-lettered exactly once");

        int expectedCount = expectedWindows.values().stream().mapToInt(Map::size).sum();
        List<ConsumerRecord<String, byte[]>> points = KafkaTestResource.broker().consumeUntil(Topics.POINTS, l -> l.size() >= expectedCount, DEADLINE, true);
        Map<String, TreeMap<Long, Point>> got = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : points) {
            Point p = PointReader.read(r.value());
            assertEquals(p.series(), r.key());
            Point before = got.computeIfAbsent(p.series(), s -> new TreeMap<>()).put(p.windowStart().toEpochMilli(), p);
            assertEquals(null, before, () -> "window emitted twice: " + p);
        }
        assertEquals(expectedWindows.keySet(), got.keySet(), "series with points");
        expectedWindows.forEach((series, windows) -> {
            assertEquals(windows.keySet(), got.get(series).keySet(), "windows of " + series);
            windows.forEach((start, w) -> {
                Point p = got.get(series).get(start);
                assertEquals(start + STEP_MS, p.windowEnd().toEpochMilli());
                assertEquals(w.count, p.count(), () -> "count " + p);
                assertEquals(w.sum / w.count, p.mean(), 1e-9, () -> "mean " + p);
                assertEquals(w.min, p.min(), () -> "min " + p);
                assertEquals(w.max, p.max(), () -> "max " + p);
                assertEquals(w.last, p.last(), () -> "last " + p);
            });
        });
        assertEquals(expectedCount, points.size());

        assertEquals(KafkaStreams.State.RUNNING, streams.state(), "the stream survived the flood");
        Map<String, Integer> counted = new TreeMap<>();
        registry.find("forecast.ingest.events.dead.lettered").counters()
                .forEach(c -> counted.put(c.getId().getTag("reason"), (int) c.count()));
        assertEquals(expectedReasons, counted, "dead-letter counters per reason");
        assertEquals(VALID + SERIES, counter("forecast.ingest.events.accepted", "path", "stream"), "accepted on the stream (valid + closing)");
        assertEquals(expectedCount, counter("forecast.ingest.windows.emitted", null, null), "windows emitted");
    }

    /** One fuzzed request and what the endpoint must answer (0: any 4xx). */
    private record Fuzzed(String what, byte[] body, String contentType, String apiKey, int expectedStatus, int expectedAccepted) {}

    @Test
    @Order(2)
    void shouldAnswerEveryFuzzedRequestWithAClientErrorOrSuccessNeverAServerErrorOrAHang() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        // Later than the flood, inside the accepted range of the service's real clock.
        MalformedEvents malformed = new MalformedEvents(SEED + 1, Instant.parse("2025-06-01T00:00:00Z"));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < FUZZED_REQUESTS; i++) {
            Fuzzed f = fuzz(random, malformed, i);
            HttpRequest.Builder b = HttpRequest.newBuilder(eventsUri).timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(f.body()));
            if (f.contentType() != null) {
                b.header("Content-Type", f.contentType());
            }
            if (f.apiKey() != null) {
                b.header("X-Api-Key", f.apiKey());
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String shown = "request " + i + " (" + f.what() + ", " + f.body().length + " B, type " + f.contentType() + ") got " + r.statusCode() + ": "
                    + r.body().substring(0, Math.min(300, r.body().length()));
            statuses.merge(r.statusCode(), 1, Integer::sum);
            assertTrue(r.statusCode() < 500, shown);
            assertTrue(r.body().startsWith("{") && r.body().length() > 10, "a JSON body that says why: " + shown);
            if (r.statusCode() == 415) {
                // The framework refuses a Content-Type it cannot parse before the endpoint sees the request.
                assertTrue(!WELL_FORMED_TYPE.matcher(String.valueOf(f.contentType())).matches(), shown);
                assertTrue(r.body().contains("bad-content-type"), shown);
            } else if (f.expectedStatus() == 0) {
                assertTrue(r.statusCode() >= 400, shown);
            } else {
                assertEquals(f.expectedStatus(), r.statusCode(), shown);
            }
            if (f.expectedAccepted() >= 0 && r.statusCode() != 415) {
                assertTrue(r.body().contains("\"accepted\":" + f.expectedAccepted() + ","), shown);
            }
        }
        assertTrue(statuses.keySet().containsAll(List.of(202, 400, 401, 413)), "every kind of answer exercised: " + statuses);
        assertEquals(KafkaStreams.State.RUNNING, streams.state());
    }

    private static final int FUZZED_REQUESTS = 400;
    private static final java.util.regex.Pattern WELL_FORMED_TYPE = java.util.regex.Pattern.compile("null|[a-z*]+/[a-z0-9.+*-]+(; ?[a-z]+=[a-z0-9-]+)?");
    private static final String[] CONTENT_TYPES = {null, "application/json", "application/x-ndjson", "text/plain", "application/xml",
            "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "garbage", "a/b/c", "%%%", ";;;",
            "application/json; charset=utf-16", "*/*", "application/octet-stream", "text/plain; charset=nonsense"};

    /** A seeded request: kinds in turn so each appears, the details at random. */
    private static Fuzzed fuzz(SplittableRandom random, MalformedEvents malformed, int i) {
        String type = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
        Instant ts = Instant.parse("2025-06-01T00:00:00Z").plusMillis(i * 1000L);
        String good = line("fuzz-" + random.nextInt(5), ts, random.nextInt(1000) / 8.0);
        return switch (i % 12) {
            case 0 -> new Fuzzed("valid single", bytes(good), type, KEY, 202, 1);
            case 1 -> {
                int n = 1 + random.nextInt(20);
                StringBuilder sb = new StringBuilder();
                for (int k = 0; k < n; k++) {
                    sb.append(line("fuzz-" + random.nextInt(5), ts.plusMillis(k), k)).append(random.nextBoolean() ? "\n" : "\r\n");
                }
                yield new Fuzzed("valid ndjson", bytes(sb.toString()), type, KEY, 202, n);
            }
            case 2 -> {
                // NDJSON with bad lines: the good ones are sent and the answer is 400 listing the bad ones.
                StringBuilder sb = new StringBuilder(good).append('\n');
                int accepted = 1;
                int lines = 1 + random.nextInt(15);
                for (int k = 0; k < lines; k++) {
                    if (random.nextBoolean()) {
                        sb.append(line("fuzz-" + random.nextInt(5), ts.plusMillis(k + 1), k)).append('\n');
                        accepted++;
                    } else {
                        sb.append(oneLineMalformed(malformed)).append('\n');
                    }
                }
                byte[] body = bytes(sb.toString());
                boolean allGood = accepted == lines + 1;
                yield body.length > MAX_REQUEST_BYTES ? new Fuzzed("ndjson over the limit", body, type, KEY, 413, -1)
                        : new Fuzzed("ndjson with bad lines", body, type, KEY, allGood ? 202 : 400, accepted);
            }
            case 3 -> {
                byte[] body = new byte[random.nextInt(2 * MAX_REQUEST_BYTES)];
                for (int k = 0; k < body.length; k++) {
                    body[k] = (byte) random.nextInt(256);
                }
                yield new Fuzzed("random bytes", body, type, KEY, body.length > MAX_REQUEST_BYTES ? 413 : 0, -1);
            }
            case 4 -> new Fuzzed("no key", bytes(good), type, null, 401, -1);
            case 5 -> new Fuzzed("wrong key", bytes(good), type, pickKey(random), 401, -1);
            case 6 -> {
                int depth = 500 + random.nextInt(1500);
                String open = random.nextBoolean() ? "[" : "{\"a\":";
                String close = open.equals("[") ? "]" : "}";
                String nested = open.repeat(depth) + "1" + close.repeat(depth);
                String body = random.nextBoolean() ? nested : "{\"series\":\"fuzz-deep\",\"ts\":\"" + ts + "\",\"value\":" + nested + "}";
                byte[] b = bytes(body);
                yield new Fuzzed("deep nesting " + depth, b, type, KEY, b.length > MAX_REQUEST_BYTES ? 413 : 400, -1);
            }
            case 7 -> {
                String digits = "9".repeat(300 + random.nextInt(3000));
                String body = random.nextBoolean() ? "{\"series\":\"fuzz-huge\",\"ts\":\"" + ts + "\",\"value\":" + digits + "}"
                        : "{\"series\":\"fuzz-huge\",\"ts\":" + digits + ",\"value\":1}";
                byte[] b = bytes(body);
                yield new Fuzzed("huge number", b, type, KEY, b.length > MAX_REQUEST_BYTES ? 413 : 400, -1);
            }
            case 8 -> {
                StringBuilder sb = new StringBuilder();
                while (sb.length() <= MAX_REQUEST_BYTES) {
                    sb.append(good).append('\n');
                }
                yield new Fuzzed("valid but over the limit", bytes(sb.toString()), type, KEY, 413, -1);
            }
            case 9 -> {
                MalformedEvents.Malformed m = malformed.next();
                byte[] b = m.value() == null ? new byte[0] : m.value();
                yield new Fuzzed("malformed event " + m.kind(), b, type, KEY, b.length > MAX_REQUEST_BYTES ? 413 : 0, -1);
            }
            case 10 -> new Fuzzed("array", bytes(pickArray(random, good)), type, KEY, 0, -1);
            default -> new Fuzzed("empty or blank", bytes(random.nextBoolean() ? "" : " \n\r\n\t"), type, KEY, 400, -1);
        };
    }

    /** A malformed event on one line that stays invalid without a Kafka key (the HTTP endpoint has none). */
    private static String oneLineMalformed(MalformedEvents malformed) {
        while (true) {
            MalformedEvents.Malformed m = malformed.next();
            if (m.value() != null && m.kind() != MalformedEvents.Kind.KEY_MISMATCH && m.kind() != MalformedEvents.Kind.OVERSIZED
                    && m.value().length < 300 && m.kind() != MalformedEvents.Kind.EMPTY) {
                String s = new String(m.value(), StandardCharsets.ISO_8859_1);
                if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
                    return new String(m.value(), StandardCharsets.UTF_8);
                }
            }
        }
    }

    private static String pickKey(SplittableRandom random) {
        return switch (random.nextInt(5)) {
            case 0 -> "";
            case 1 -> "TEST-KEY";
            case 2 -> "test-kez";
            case 3 -> "test-key-and-more";
            default -> "x".repeat(1 + random.nextInt(4000));
        };
    }

    private static String pickArray(SplittableRandom random, String good) {
        return switch (random.nextInt(5)) {
            case 0 -> "[]";
            case 1 -> "[" + good + ",1,\"x\",null]";
            case 2 -> "[" + good + "," + good.replace("\"value\":", "\"value\":NaN,\"v\":") + "]";
            case 3 -> "[" + good + ",";
            default -> "[" + good + "]]";
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private double counter(String name, String tag, String value) {
        Counter c = tag == null ? registry.find(name).counter() : registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }
}
