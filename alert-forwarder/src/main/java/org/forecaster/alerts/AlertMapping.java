package org.forecaster.alerts;

import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.forecaster.core.wire.AnomalyRecord;

/**
 * Turns an alert transition of the {@code anomalies} topic into an Alertmanager alert.
 *
 * <p>Labels (the alert's identity): {@code alertname}, {@code series}, {@code reason} and {@code severity}. Severity is
 * derived from the reason alone, never from the score: the RESOLVED record carries the resolving point's score, so a
 * score-derived label would make it a different alert from the OPEN it closes. Records from before alerts had reasons
 * get {@code reason="unknown"}.
 *
 * <p>Annotations: a one-line {@code summary}, the point's {@code value}, the model's {@code expected} value and its
 * {@code interval} ({@code [lower, upper]}), the {@code score} and the {@code model_version}, each as text.
 */
public final class AlertMapping {
    /** The reason label of a record written before alerts had reasons. */
    static final String UNKNOWN_REASON = "unknown";
    private static final MathContext SHOWN_DIGITS = new MathContext(6);

    private final String alertname;
    private final String defaultSeverity;
    private final Map<String, String> severityByReason;
    private final String generatorUrl;
    private final Duration lifetime;

    public AlertMapping(ForwarderConfig config) {
        this(config.alertname(), config.defaultSeverity(), config.severityByReason(), config.generatorUrl(), config.alertLifetime());
    }

    /**
     * @param generatorUrl template of the alert's link ({@code {series}} becomes the URL-encoded series), or null
     * @param lifetime     how far past a post a firing alert's {@code endsAt} lies
     */
    public AlertMapping(String alertname, String defaultSeverity, Map<String, String> severityByReason, String generatorUrl,
                        Duration lifetime) {
        this.alertname = alertname;
        this.defaultSeverity = defaultSeverity;
        this.severityByReason = Map.copyOf(severityByReason);
        this.generatorUrl = generatorUrl;
        this.lifetime = lifetime;
    }

    /** The alert an OPEN record starts: firing from its time until {@code now} plus the lifetime. */
    public AlertmanagerAlert firing(AnomalyRecord open, Instant now) {
        return new AlertmanagerAlert(labels(open), annotations(open), open.ts(), firingUntil(now), generatorUrl(open.series()));
    }

    /** The end of a firing alert posted at {@code now}: Alertmanager resolves it then unless it is posted again. */
    public Instant firingUntil(Instant now) {
        return now.plus(lifetime);
    }

    /**
     * The alert a RESOLVED record closes: {@code open}'s labels and start when the forwarder knows that OPEN (its
     * labels are the ones Alertmanager holds), else the record's own labels and no start; ended at the record's time.
     */
    public AlertmanagerAlert resolved(AnomalyRecord resolved, AlertmanagerAlert open) {
        Map<String, String> labels = open != null ? open.labels() : labels(resolved);
        Instant start = open != null ? open.startsAt() : null;
        return new AlertmanagerAlert(labels, annotations(resolved), start, resolved.ts(), generatorUrl(resolved.series()));
    }

    /** The identity of the record's alert in Alertmanager. */
    public Map<String, String> labels(AnomalyRecord r) {
        String reason = r.reason() == null || r.reason().isBlank() ? UNKNOWN_REASON : r.reason();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", alertname);
        labels.put("series", r.series());
        labels.put("reason", reason);
        labels.put("severity", severityByReason.getOrDefault(reason, defaultSeverity));
        return labels;
    }

    private static Map<String, String> annotations(AnomalyRecord r) {
        String reason = r.reason() == null || r.reason().isBlank() ? UNKNOWN_REASON : r.reason();
        Map<String, String> a = new LinkedHashMap<>();
        a.put("summary", (r.state() == AnomalyRecord.State.OPEN ? "" : "resolved: ") + reason + " on " + r.series() + ": value "
                + number(r.value()) + ", expected " + number(r.expected()) + " in [" + number(r.lower()) + ", " + number(r.upper())
                + "], score " + number(r.score()));
        a.put("value", number(r.value()));
        a.put("expected", number(r.expected()));
        a.put("interval", "[" + number(r.lower()) + ", " + number(r.upper()) + "]");
        a.put("score", number(r.score()));
        a.put("model_version", Long.toString(r.modelVersion()));
        return a;
    }

    private String generatorUrl(String series) {
        return generatorUrl == null ? null : generatorUrl.replace("{series}", URLEncoder.encode(series, StandardCharsets.UTF_8));
    }

    /** Six significant digits, no trailing zeros: 97.3, 100, 0.999, 1.23457E+9; NaN and infinities by name. */
    static String number(double x) {
        if (!Double.isFinite(x)) {
            return Double.toString(x);
        }
        BigDecimal rounded = new BigDecimal(x).round(SHOWN_DIGITS).stripTrailingZeros();
        double magnitude = Math.abs(x);
        return magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e9) ? rounded.toPlainString() : rounded.toString();
    }
}
