package org.forecaster.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * One alert as Alertmanager's {@code POST /api/v2/alerts} takes it (its {@code postableAlert}). Alertmanager
 * identifies an alert by its label set (the fingerprint): posting the same labels again updates that alert
 * rather than adding one, which is what makes re-posting a transition harmless.
 *
 * @param startsAt null lets Alertmanager take {@code endsAt} (a RESOLVED whose OPEN the forwarder never saw)
 * @param endsAt   in the future: firing until then unless posted again; in the past: resolved at that time
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertmanagerAlert(Map<String, String> labels, Map<String, String> annotations, Instant startsAt, Instant endsAt,
                                String generatorURL) {
    public AlertmanagerAlert {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    /** This alert with another end: firing until {@code end} if it is in the future, else resolved at it. */
    public AlertmanagerAlert endingAt(Instant end) {
        return new AlertmanagerAlert(labels, annotations, startsAt, end, generatorURL);
    }
}
