package org.forecaster.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.forecaster.core.wire.AnomalyRecord;

/**
 * The alerts that are open now, one per series (the model service opens at most one per key), and what each
 * transition posts. Rebuilt at start from the topic up to the committed offsets, so the open alerts can be re-posted
 * (Alertmanager resolves a firing alert whose {@code endsAt} passes) and a RESOLVED closes exactly the labels its
 * OPEN posted. Not thread-safe: the forwarder's one consuming thread owns it.
 */
final class OpenAlerts {
    private final AlertMapping mapping;
    private final Map<String, AlertmanagerAlert> openBySeries = new HashMap<>();

    OpenAlerts(AlertMapping mapping) {
        this.mapping = mapping;
    }

    /**
     * Records a transition and returns the alerts to post for it, in order. An OPEN posts its firing alert; if the
     * series still had another alert open (labels differ: the key was deleted while an alert was open and came back
     * with another reason), that one is resolved first at the new OPEN's time, or it would fire forever. A RESOLVED
     * posts the end of the series' open alert.
     */
    List<AlertmanagerAlert> apply(AnomalyRecord r, Instant now) {
        List<AlertmanagerAlert> out = new ArrayList<>(2);
        if (r.state() == AnomalyRecord.State.OPEN) {
            AlertmanagerAlert firing = mapping.firing(r, now);
            AlertmanagerAlert previous = openBySeries.put(r.series(), firing);
            if (previous != null && !previous.labels().equals(firing.labels())) {
                out.add(previous.endingAt(r.ts()));
            }
            out.add(firing);
        } else {
            out.add(mapping.resolved(r, openBySeries.remove(r.series())));
        }
        return out;
    }

    /** Every open alert, firing until {@code now} plus the lifetime: what a periodic re-post sends. */
    List<AlertmanagerAlert> refreshed(Instant now) {
        Instant until = mapping.firingUntil(now);
        List<AlertmanagerAlert> out = new ArrayList<>(openBySeries.size());
        for (AlertmanagerAlert a : openBySeries.values()) {
            out.add(a.endingAt(until));
        }
        return out;
    }

    int size() {
        return openBySeries.size();
    }
}
