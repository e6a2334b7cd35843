package org.forecaster.trainer.schedule;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.forecaster.trainer.schedule.RunReport.Outcome;

/**
 * Counters and the last run, written by the training thread and read by metrics and REST threads. Plain Java
 * so {@code RetrainJob}'s tests can assert on it; {@code TrainerMetrics} exposes it to Prometheus.
 */
public final class RunStats {
    private final Map<Outcome, AtomicLong> outcomes = new EnumMap<>(Outcome.class);
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private volatile RunReport last;
    private volatile long publishedVersion;

    public RunStats() {
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, new AtomicLong());
        }
    }

    void record(RunReport report) {
        outcomes.get(report.outcome()).incrementAndGet();
        if (report.publishedVersion() != null) {
            publishedVersion = report.publishedVersion();
        }
        last = report;
    }

    /** A better candidate not published because it broke an acceptance rule ({@code ModelAcceptance} reason). */
    void refused(String reason) {
        refused.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    /** Candidates refused for {@code reason}. */
    public long refusedCount(String reason) {
        AtomicLong n = refused.get(reason);
        return n == null ? 0 : n.get();
    }

    /** Runs that ended with {@code outcome}. */
    public long count(Outcome outcome) {
        return outcomes.get(outcome).get();
    }

    /** The last finished run, or null. */
    public RunReport last() {
        return last;
    }

    /** The last version this process published (0 if none). */
    public long publishedVersion() {
        return publishedVersion;
    }
}
