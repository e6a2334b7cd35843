package org.forecaster.alerts;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.forecaster.alerts.AlertSink.PostResult.Outcome;

/** The forwarder's counters, served on {@code /q/metrics} in Prometheus' text format. Thread-safe. */
final class ForwarderMetrics {
    private final AtomicLong transitions = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong refusedAlerts = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();
    private final Map<Outcome, AtomicLong> posts = new EnumMap<>(Outcome.class);
    private volatile int openAlerts;

    ForwarderMetrics() {
        for (Outcome o : Outcome.values()) {
            posts.put(o, new AtomicLong());
        }
    }

    void countTransitions(int n) {
        transitions.addAndGet(n);
    }

    void countMalformed() {
        malformed.incrementAndGet();
    }

    void countRefusedAlert() {
        refusedAlerts.incrementAndGet();
    }

    void countResend() {
        resends.incrementAndGet();
    }

    void countPost(Outcome o) {
        posts.get(o).incrementAndGet();
    }

    void openAlerts(int now) {
        openAlerts = now;
    }

    /** Transitions delivered (accepted or refused by Alertmanager) and committed. */
    long transitions() {
        return transitions.get();
    }

    long malformed() {
        return malformed.get();
    }

    long refusedAlerts() {
        return refusedAlerts.get();
    }

    long posts(Outcome o) {
        return posts.get(o).get();
    }

    long resends() {
        return resends.get();
    }

    String prometheusText() {
        StringBuilder sb = new StringBuilder();
        counter(sb, "forecast_alerts_transitions_total", "Alert transitions delivered to Alertmanager and committed.", transitions.get());
        counter(sb, "forecast_alerts_malformed_records_total", "Records on the anomalies topic that are not alert transitions (skipped).",
                malformed.get());
        counter(sb, "forecast_alerts_refused_total", "Alerts Alertmanager refused with a 4xx (not posted again).", refusedAlerts.get());
        counter(sb, "forecast_alerts_resends_total", "Periodic re-posts of the open alerts.", resends.get());
        sb.append("# HELP forecast_alerts_posts_total POST requests to Alertmanager by outcome.\n# TYPE forecast_alerts_posts_total counter\n");
        for (Outcome o : Outcome.values()) {
            sb.append("forecast_alerts_posts_total{outcome=\"").append(o.name().toLowerCase(Locale.ROOT)).append("\"} ")
                    .append(posts.get(o).get()).append('\n');
        }
        sb.append("# HELP forecast_alerts_open Alerts open now (re-posted every resend interval).\n# TYPE forecast_alerts_open gauge\n")
                .append("forecast_alerts_open ").append(openAlerts).append('\n');
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value).append('\n');
    }
}
