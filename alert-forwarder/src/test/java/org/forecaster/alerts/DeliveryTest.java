package org.forecaster.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.forecaster.alerts.AlertSink.PostResult;
import org.forecaster.alerts.AlertSink.PostResult.Outcome;
import org.junit.jupiter.api.Test;

/** Retries with back-off while Alertmanager is unavailable; a 4xx is counted, not retried. No network: a scripted sink. */
class DeliveryTest {
    private static final Duration INITIAL = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(5);

    private final List<List<AlertmanagerAlert>> posted = new ArrayList<>();
    private final List<Duration> waits = new ArrayList<>();
    private final ForwarderMetrics metrics = new ForwarderMetrics();

    private static AlertmanagerAlert alert(String series) {
        return new AlertmanagerAlert(Map.of("alertname", "A", "series", series), Map.of(), Instant.EPOCH, Instant.EPOCH.plusSeconds(60), null);
    }

    /** A sink answering from {@code script} in turn, then by {@code fallback} for the posted alerts. */
    private AlertSink sink(Deque<PostResult> script, Function<List<AlertmanagerAlert>, PostResult> fallback) {
        return alerts -> {
            posted.add(alerts);
            return script.isEmpty() ? fallback.apply(alerts) : script.poll();
        };
    }

    private Delivery delivery(AlertSink sink, int pausesBeforeStop) {
        return new Delivery(sink, INITIAL, MAX, wait -> {
            waits.add(wait);
            return waits.size() <= pausesBeforeStop;
        }, metrics);
    }

    @Test
    void shouldPostAgainWithDoublingCappedWaitsUntilAccepted() throws Exception {
        Deque<PostResult> script = new ArrayDeque<>(List.of(PostResult.noAnswer("ConnectException"), PostResult.ofStatus(503, ""),
                PostResult.ofStatus(500, "boom"), PostResult.ofStatus(429, ""), PostResult.ofStatus(502, "")));
        List<AlertmanagerAlert> batch = List.of(alert("a"), alert("b"));
        assertTrue(delivery(sink(script, a -> PostResult.ofStatus(200, "")), Integer.MAX_VALUE).deliver(batch));
        assertEquals(6, posted.size());
        posted.forEach(p -> assertEquals(batch, p, "the same request every time"));
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), MAX, MAX), waits);
        assertEquals(5, metrics.posts(Outcome.UNAVAILABLE));
        assertEquals(1, metrics.posts(Outcome.ACCEPTED));
        assertEquals(0, metrics.refusedAlerts());
    }

    @Test
    void shouldGiveUpWithoutDeliveringOnlyWhenStopped() throws Exception {
        AlertSink down = sink(new ArrayDeque<>(), a -> PostResult.noAnswer("ConnectException"));
        assertFalse(delivery(down, 3).deliver(List.of(alert("a"))));
        assertEquals(4, posted.size());
    }

    @Test
    void shouldCountARefusedAlertAndNotPostItAgain() throws Exception {
        AlertSink refusing = sink(new ArrayDeque<>(), a -> PostResult.ofStatus(400, "start time must be before end time"));
        assertTrue(delivery(refusing, Integer.MAX_VALUE).deliver(List.of(alert("a"))));
        assertEquals(1, posted.size());
        assertEquals(1, metrics.refusedAlerts());
        assertEquals(1, metrics.posts(Outcome.REJECTED));
    }

    @Test
    void shouldPostARefusedBatchAlertByAlertToCountOnlyTheBadOnes() throws Exception {
        AlertSink oneBad = sink(new ArrayDeque<>(), alerts -> alerts.stream().anyMatch(a -> a.labels().get("series").equals("bad"))
                ? PostResult.ofStatus(400, "invalid") : PostResult.ofStatus(200, ""));
        List<AlertmanagerAlert> batch = List.of(alert("a"), alert("bad"), alert("c"));
        assertTrue(delivery(oneBad, Integer.MAX_VALUE).deliver(batch));
        assertEquals(List.of(batch, List.of(alert("a")), List.of(alert("bad")), List.of(alert("c"))), posted);
        assertEquals(1, metrics.refusedAlerts());
    }

    @Test
    void shouldRetryASingleAlertOfARefusedBatchWhileUnavailable() throws Exception {
        Deque<PostResult> script = new ArrayDeque<>(List.of(PostResult.ofStatus(400, "invalid"), PostResult.ofStatus(503, "")));
        assertTrue(delivery(sink(script, a -> PostResult.ofStatus(200, "")), Integer.MAX_VALUE).deliver(List.of(alert("a"), alert("b"))));
        assertEquals(List.of(List.of(alert("a"), alert("b")), List.of(alert("a")), List.of(alert("a")), List.of(alert("b"))), posted);
        assertEquals(List.of(INITIAL), waits);
        assertEquals(0, metrics.refusedAlerts());
    }

    @Test
    void shouldPostOpenAlertsOnceWithoutRetrying() {
        AlertSink down = sink(new ArrayDeque<>(), a -> PostResult.ofStatus(503, ""));
        assertFalse(delivery(down, Integer.MAX_VALUE).postOnce(List.of(alert("a"))));
        assertEquals(1, posted.size());
        assertEquals(List.of(), waits);
    }

    @Test
    void shouldTreatStatusesAsAlertmanagerMeansThem() {
        assertEquals(Outcome.ACCEPTED, PostResult.ofStatus(200, "").outcome());
        assertEquals(Outcome.REJECTED, PostResult.ofStatus(400, "").outcome());
        assertEquals(Outcome.REJECTED, PostResult.ofStatus(404, "").outcome());
        assertEquals(Outcome.UNAVAILABLE, PostResult.ofStatus(408, "").outcome());
        assertEquals(Outcome.UNAVAILABLE, PostResult.ofStatus(503, "").outcome());
        assertEquals(Outcome.UNAVAILABLE, PostResult.ofStatus(302, "").outcome());
    }
}
