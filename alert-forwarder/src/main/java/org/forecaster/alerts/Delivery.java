package org.forecaster.alerts;

import java.time.Duration;
import java.util.List;
import org.forecaster.alerts.AlertSink.PostResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alerts until Alertmanager has them: while it is down or answers 5xx the same request is posted again after
 * a wait that doubles from {@code retryInitial} up to {@code retryMax}, for as long as it takes (a transition is
 * never skipped). A 4xx is final for what it refused: logged and counted, never retried. Alertmanager stores the
 * valid alerts of a request and answers 400 for the whole request if one is invalid, so a refused request of several
 * alerts is posted again alert by alert, to count exactly the refused ones (re-posting the stored ones is harmless:
 * same labels, same alert).
 */
final class Delivery {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    /** Waits between attempts; false when the forwarder is stopping and the delivery should give up. */
    @FunctionalInterface
    interface Pause {
        boolean await(Duration wait) throws InterruptedException;
    }

    private final AlertSink sink;
    private final Duration retryInitial;
    private final Duration retryMax;
    private final Pause pause;
    private final ForwarderMetrics metrics;

    Delivery(AlertSink sink, Duration retryInitial, Duration retryMax, Pause pause, ForwarderMetrics metrics) {
        this.sink = sink;
        this.retryInitial = retryInitial;
        this.retryMax = retryMax;
        this.pause = pause;
        this.metrics = metrics;
    }

    /**
     * Posts {@code alerts} until each is accepted or refused. Returns false, with some alerts perhaps not delivered,
     * only when the forwarder stopped meanwhile.
     */
    boolean deliver(List<AlertmanagerAlert> alerts) throws InterruptedException {
        if (alerts.isEmpty()) {
            return true;
        }
        PostResult r = postUntilAnswered(alerts);
        if (r == null) {
            return false;
        }
        if (r.outcome() == PostResult.Outcome.ACCEPTED) {
            return true;
        }
        if (alerts.size() == 1) {
            refused(alerts.getFirst(), r);
            return true;
        }
        for (AlertmanagerAlert a : alerts) {
            PostResult single = postUntilAnswered(List.of(a));
            if (single == null) {
                return false;
            }
            if (single.outcome() == PostResult.Outcome.REJECTED) {
                refused(a, single);
            }
        }
        return true;
    }

    /**
     * Posts once, without retrying: for the periodic re-post of open alerts, which the next period repeats anyway.
     * True when accepted.
     */
    boolean postOnce(List<AlertmanagerAlert> alerts) {
        if (alerts.isEmpty()) {
            return true;
        }
        PostResult r = sink.post(alerts);
        metrics.countPost(r.outcome());
        if (r.outcome() != PostResult.Outcome.ACCEPTED) {
            LOG.warn("re-posting {} open alerts to Alertmanager failed (status {}: {}); trying again next period", alerts.size(),
                    r.status(), r.detail());
        }
        return r.outcome() == PostResult.Outcome.ACCEPTED;
    }

    /** The first answer that is not "unavailable", or null when stopped while waiting. */
    private PostResult postUntilAnswered(List<AlertmanagerAlert> alerts) throws InterruptedException {
        Duration wait = retryInitial;
        for (int attempt = 1; ; attempt++) {
            PostResult r = sink.post(alerts);
            metrics.countPost(r.outcome());
            if (r.outcome() != PostResult.Outcome.UNAVAILABLE) {
                if (attempt > 1) {
                    LOG.info("Alertmanager answered {} after {} attempts", r.status(), attempt);
                }
                return r;
            }
            // One WARN per outage, not one per attempt: the metric counts the attempts.
            if (attempt == 1) {
                LOG.warn("Alertmanager is unavailable ({}), posting {} alerts again with back-off up to {}",
                        r.status() == 0 ? r.detail() : "status " + r.status() + ": " + r.detail(), alerts.size(), retryMax);
            }
            if (!pause.await(wait)) {
                return null;
            }
            wait = wait.multipliedBy(2).compareTo(retryMax) > 0 ? retryMax : wait.multipliedBy(2);
        }
    }

    private void refused(AlertmanagerAlert a, PostResult r) {
        metrics.countRefusedAlert();
        LOG.error("Alertmanager refused alert {} (status {}: {}); it is not posted again", a.labels(), r.status(), r.detail());
    }
}
