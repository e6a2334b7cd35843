package org.forecaster.serving.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.WireJson;

/**
 * The last alert transitions of each key, kept beside its state in the changelogged {@value #STORE} store so that the
 * dashboard can mark them on the chart of a series' history (issue 19) after a restart and on the instance that took
 * the key over, as the key-state store's views do. Only keys that have alerted have an entry; each holds at most
 * {@value #CAPACITY} transitions (16 incidents), oldest first, as the JSON array of the records sent on
 * {@code anomalies}.
 */
public final class AlertLog {
    /** The store's name (changelog {@code <application-id>-alert-log-changelog}). */
    public static final String STORE = "alert-log";
    /** Transitions kept per key; older ones are dropped. */
    public static final int CAPACITY = 32;

    private AlertLog() {}

    /** {@code log} (null for none) with {@code alert} appended and trimmed to {@link #CAPACITY}, encoded. */
    public static byte[] append(byte[] log, AnomalyRecord alert) {
        List<AnomalyRecord> all = new ArrayList<>(read(log));
        all.add(alert);
        List<AnomalyRecord> kept = all.subList(Math.max(0, all.size() - CAPACITY), all.size());
        return WireJson.write(kept);
    }

    /** The transitions in {@code log}, oldest first; empty for null. Throws IllegalArgumentException if it is not a log. */
    public static List<AnomalyRecord> read(byte[] log) {
        return log == null ? List.of() : Arrays.asList(WireJson.read(log, AnomalyRecord[].class));
    }
}
