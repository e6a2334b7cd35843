package org.forecaster.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.forecaster.alerts.AlertSink.PostResult.Outcome;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.AnomalyRecord.State;
import org.forecaster.core.wire.WireJson;
import org.forecaster.testkit.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder between a real KRaft broker (in process) and a real Alertmanager (its own process, webhook receiver
 * in this JVM). Each test has its own topic, consumer group, Alertmanager and receiver. The forwarder re-posts open
 * alerts every second with a 4-second lifetime, so an open alert that it forgot would resolve within the tests' time.
 */
class AlertForwarderIT {
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldShowAnOpenAsActiveWithItsLabelsAndAnnotationsAndEndItOnResolved(@TempDir Path dir, TestInfo info) throws Exception {
        String topic = topic(info);
        try (WebhookReceiver hook = new WebhookReceiver();
             AlertmanagerProcess am = AlertmanagerProcess.start(dir, AlertmanagerProcess.freePort(), hook.url());
             RunningForwarder fwd = new RunningForwarder(config(topic, am.url()))) {
            send(topic, open("cpu.a", T0, "spike"));
            await("cpu.a active in Alertmanager", () -> am.alertsOf("cpu.a").size() == 1, am, hook);
            JsonNode alert = am.alertsOf("cpu.a").getFirst();
            assertEquals(Map.of("alertname", "ForecastAnomaly", "series", "cpu.a", "reason", "spike", "severity", "warning"),
                    strings(alert.get("labels")));
            Map<String, String> annotations = strings(alert.get("annotations"));
            assertEquals("97.3", annotations.get("value"));
            assertEquals("50.5", annotations.get("expected"));
            assertEquals("[40, 60.25]", annotations.get("interval"));
            assertEquals("0.999", annotations.get("score"));
            assertEquals("7", annotations.get("model_version"));
            assertEquals(T0, Instant.parse(alert.get("startsAt").asText()));
            assertEquals("active", alert.get("status").get("state").asText());
            await("a firing notification of cpu.a", () -> hook.count("cpu.a", "firing") == 1, am, hook);

            // The same transition again (a re-post after a crash): the same labels, so the same alert, no new page.
            send(topic, open("cpu.a", T0, "spike"));
            await("the duplicate delivered", () -> fwd.metrics.transitions() == 2, am, hook);
            holdsFor(Duration.ofSeconds(3), "one alert, notified once", () -> am.alertsOf("cpu.a").size() == 1
                    && hook.count("cpu.a", "firing") == 1, am, hook);

            send(topic, resolved("cpu.a", T0.plusSeconds(1500), "spike"));
            await("cpu.a no longer active", () -> am.alertsOf("cpu.a").isEmpty(), am, hook);
            await("a resolved notification of cpu.a", () -> hook.count("cpu.a", "resolved") == 1, am, hook);
            holdsFor(Duration.ofSeconds(2), "notified once each", () -> hook.count("cpu.a", "firing") == 1
                    && hook.count("cpu.a", "resolved") == 1, am, hook);
            assertEquals(0, fwd.metrics.refusedAlerts());
        }
    }

    @Test
    void shouldCountARefusedTransitionAndAMalformedRecordAndKeepForwarding(@TempDir Path dir, TestInfo info) throws Exception {
        String topic = topic(info);
        try (WebhookReceiver hook = new WebhookReceiver();
             AlertmanagerProcess am = AlertmanagerProcess.start(dir, AlertmanagerProcess.freePort(), hook.url());
             RunningForwarder fwd = new RunningForwarder(config(topic, am.url()))) {
            // Resolved before it opened: Alertmanager answers 400 "start time must be before end time", and always will.
            send(topic, open("bad.b", T0.plusSeconds(3600), "drift"), resolved("bad.b", T0, "drift"));
            kafka.send(topic, "junk", "not json".getBytes(StandardCharsets.UTF_8));
            send(topic, open("ok.c", T0, "silent"));
            await("ok.c active", () -> am.alertsOf("ok.c").size() == 1, am, hook);
            await("everything committed", () -> committed(group(topic)).equals(endOffsets(topic)), am, hook);
            assertEquals(1, fwd.metrics.refusedAlerts());
            assertEquals(1, fwd.metrics.malformed());
            assertEquals(3, fwd.metrics.transitions());
            assertEquals("critical", am.alertsOf("ok.c").getFirst().get("labels").get("severity").asText());
            assertEquals(1, am.alertsOf("bad.b").size(), "its OPEN was accepted");
        }
    }

    /**
     * Stop after some transitions, produce more while stopped, start again: every transition is delivered once across
     * the two runs (a restart from the beginning would deliver the first ones twice, a restart from the end would lose
     * the ones produced while stopped), the open alert of the first run is still re-posted by the second (else it
     * resolves after its 4-second lifetime: a resolved notification too many), and Alertmanager notifies each alert
     * exactly once firing and once resolved.
     */
    @Test
    void shouldResumeAfterARestartWithEveryTransitionDeliveredOnce(@TempDir Path dir, TestInfo info) throws Exception {
        String topic = topic(info);
        AnomalyRecord open1 = open("s1", T0, "spike"), open2 = open("s2", T0.plusSeconds(60), "drift");
        AnomalyRecord resolved1 = resolved("s1", T0.plusSeconds(600), "spike"), open3 = open("s3", T0.plusSeconds(660), "flatline");
        AnomalyRecord resolved2 = resolved("s2", T0.plusSeconds(1200), "drift"), resolved3 = resolved("s3", T0.plusSeconds(1260), "flatline");
        try (WebhookReceiver hook = new WebhookReceiver();
             AlertmanagerProcess am = AlertmanagerProcess.start(dir, AlertmanagerProcess.freePort(), hook.url())) {
            List<AnomalyRecord> firstRun;
            try (RunningForwarder first = new RunningForwarder(config(topic, am.url()))) {
                send(topic, open1, open2);
                await("s1 and s2 notified", () -> hook.count("s1", "firing") == 1 && hook.count("s2", "firing") == 1, am, hook);
                firstRun = first.delivered;
            }
            send(topic, resolved1, open3);
            try (RunningForwarder second = new RunningForwarder(config(topic, am.url()))) {
                await("s1 resolved, s3 notified", () -> hook.count("s1", "resolved") == 1 && hook.count("s3", "firing") == 1, am, hook);
                holdsFor(Duration.ofSeconds(6), "s2 stays active past its lifetime", () -> am.alertsOf("s2").size() == 1
                        && hook.count("s2", "resolved") == 0, am, hook);
                send(topic, resolved2, resolved3);
                await("s2 and s3 resolved", () -> hook.count("s2", "resolved") == 1 && hook.count("s3", "resolved") == 1, am, hook);
                holdsFor(Duration.ofSeconds(3), "no notification repeated", () -> List.of("s1", "s2", "s3").stream()
                        .allMatch(s -> hook.count(s, "firing") == 1 && hook.count(s, "resolved") == 1), am, hook);
                assertEquals(List.of(), am.alerts(), "nothing left active");
                assertEquals(List.of(open1, open2), sorted(firstRun));
                assertEquals(List.of(resolved1, open3, resolved2, resolved3), sorted(second.delivered));
            }
        }
    }

    /** Alertmanager down at first: the forwarder retries, commits nothing, and delivers everything once it is up. */
    @Test
    void shouldDelayButNotLoseTransitionsWhileAlertmanagerIsDown(@TempDir Path dir, TestInfo info) throws Exception {
        String topic = topic(info);
        int port = AlertmanagerProcess.freePort();
        URI notYetRunning = URI.create("http://127.0.0.1:" + port);
        try (WebhookReceiver hook = new WebhookReceiver(); RunningForwarder fwd = new RunningForwarder(config(topic, notYetRunning))) {
            send(topic, open("x", T0, "spike"), open("y", T0.plusSeconds(60), "variance-burst"));
            await("several failed posts", () -> fwd.metrics.posts(Outcome.UNAVAILABLE) >= 3, null, hook);
            assertEquals(Map.of(), committed(group(topic)), "nothing committed while Alertmanager is down");
            assertEquals(0, fwd.metrics.transitions());
            try (AlertmanagerProcess am = AlertmanagerProcess.start(dir, port, hook.url())) {
                await("x and y active", () -> am.alertsOf("x").size() == 1 && am.alertsOf("y").size() == 1, am, hook);
                assertEquals(T0, Instant.parse(am.alertsOf("x").getFirst().get("startsAt").asText()));
                await("both committed", () -> committed(group(topic)).equals(endOffsets(topic)), am, hook);
                assertEquals(2, fwd.metrics.transitions());
                send(topic, resolved("x", T0.plusSeconds(300), "spike"));
                await("x no longer active", () -> am.alertsOf("x").isEmpty(), am, hook);
                assertEquals(1, am.alertsOf("y").size());
            }
        }
    }

    // --- helpers ---

    /** A forwarder on its own thread, recording what it delivered; closing stops it as SIGTERM would. */
    private static final class RunningForwarder implements AutoCloseable {
        final ForwarderMetrics metrics = new ForwarderMetrics();
        final List<AnomalyRecord> delivered = new CopyOnWriteArrayList<>();
        private final AlertForwarder forwarder;
        private final Thread thread;
        private volatile Throwable failure;

        RunningForwarder(ForwarderConfig config) {
            forwarder = new AlertForwarder(config, new AlertmanagerClient(config.alertmanagerAlerts(), config.requestTimeout()),
                    InstantSource.system(), metrics, delivered::add);
            thread = new Thread(() -> {
                try {
                    forwarder.run();
                } catch (Throwable t) {
                    failure = t;
                }
            }, "forwarder-under-test");
            thread.start();
        }

        @Override
        public void close() {
            try {
                assertTrue(forwarder.stop(Duration.ofSeconds(30)), "the forwarder stops");
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while stopping the forwarder", e);
            }
            if (failure != null) {
                throw new AssertionError("the forwarder failed", failure);
            }
        }
    }

    private static ForwarderConfig config(String topic, URI alertmanager) {
        Map<String, String> p = new HashMap<>();
        p.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        p.put("forecast.alerts.topic", topic);
        p.put("forecast.alerts.group-id", group(topic));
        p.put("forecast.alerts.alertmanager-url", alertmanager.toString());
        p.put("forecast.alerts.resend-interval", "1s");
        p.put("forecast.alerts.alert-lifetime", "4s");
        p.put("forecast.alerts.retry-initial", "200ms");
        p.put("forecast.alerts.retry-max", "1s");
        p.put("forecast.alerts.request-timeout", "5s");
        return ForwarderConfig.load(p::get, name -> null);
    }

    private static String topic(TestInfo info) {
        String topic = "anomalies." + info.getTestMethod().orElseThrow().getName();
        kafka.createTopics(Map.of(topic, 2), Map.of());
        return topic;
    }

    private static String group(String topic) {
        return "forwarder-" + topic;
    }

    static AnomalyRecord open(String series, Instant ts, String reason) {
        return new AnomalyRecord(series, ts, 97.3, 50.5, 40, 60.25, 0.999, State.OPEN, 7, reason);
    }

    static AnomalyRecord resolved(String series, Instant ts, String reason) {
        return new AnomalyRecord(series, ts, 51, 50.5, 40, 60.25, 0.1, State.RESOLVED, 7, reason);
    }

    private static void send(String topic, AnomalyRecord... records) {
        kafka.send(java.util.Arrays.stream(records).map(r -> new ProducerRecord<>(topic, r.series(), WireJson.write(r))).toList());
    }

    /** In the order the model service would have written them (by time): partitions interleave arbitrarily. */
    private static List<AnomalyRecord> sorted(List<AnomalyRecord> records) {
        return records.stream().sorted(java.util.Comparator.comparing(AnomalyRecord::ts)).toList();
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new HashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return m.entrySet().stream().filter(e -> e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    /** End offsets of the partitions that have records (the forwarder commits only where it read something). */
    private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> request = Map.of(new TopicPartition(topic, 0), OffsetSpec.latest(),
                    new TopicPartition(topic, 1), OffsetSpec.latest());
            return admin.listOffsets(request).all().get().entrySet().stream().filter(e -> e.getValue().offset() > 0)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    private static void await(String what, Callable<Boolean> condition, AlertmanagerProcess am, WebhookReceiver hook) {
        try {
            Awaitility.await(what).atMost(TIMEOUT).pollInterval(POLL).until(condition);
        } catch (ConditionTimeoutException e) {
            fail("timed out waiting for: " + what + diagnostics(am, hook), e);
        }
    }

    /** Checks {@code condition} throughout {@code period}: what must not change, e.g. no second notification. */
    private static void holdsFor(Duration period, String what, Callable<Boolean> condition, AlertmanagerProcess am,
                                 WebhookReceiver hook) {
        // during() keeps the wait going for the whole period; failFast() ends it at the first poll where it fails, so
        // atMost's margin only absorbs slow polls on a loaded machine.
        Awaitility.await(what).during(period).atMost(period.plusSeconds(5)).pollInterval(POLL)
                .failFast(() -> assertTrue(condition.call(), () -> "no longer holds: " + what + diagnostics(am, hook)))
                .until(() -> true);
    }

    private static String diagnostics(AlertmanagerProcess am, WebhookReceiver hook) {
        StringBuilder sb = new StringBuilder("\nnotifications: ").append(hook.all());
        if (am != null) {
            try {
                sb.append("\nactive alerts: ").append(am.alerts());
            } catch (Exception e) {
                sb.append("\nactive alerts: unavailable (").append(e).append(')');
            }
            sb.append("\nAlertmanager log:\n").append(am.logText());
        }
        return sb.toString();
    }
}
