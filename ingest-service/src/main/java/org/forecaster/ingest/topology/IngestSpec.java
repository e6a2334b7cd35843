package org.forecaster.ingest.topology;

import java.time.Duration;
import java.util.Objects;
import org.forecaster.core.wire.PointFormat;
import org.forecaster.core.wire.RawEventParser;

/**
 * Everything the ingest topology depends on, as plain values (no framework), so that
 * {@link IngestTopology#build} is a pure function of it.
 *
 * @param rawTopic       input: raw events, keyed by series id (or unkeyed)
 * @param pointsTopic    output: one {@link org.forecaster.core.wire.Point} per key per closed window
 * @param dlqTopic       output: rejected and late events, original bytes plus reason and source headers
 * @param step           window size (tumbling windows aligned to the epoch)
 * @param grace          how long after a window's end out-of-order events are still included (in the series' own
 *                       event time)
 * @param idleClose      a series that sends nothing for this long (wall clock) has its open windows closed
 * @param inMemoryStores changelogged in-memory stores instead of RocksDB (on a 2-core machine their p99 was 149 ms against RocksDB's 3.3 s)
 * @param limits         validation bounds shared with the HTTP endpoint
 * @param quota          per-instance cap on live series and rate of new series (issue 17)
 * @param pointsFormat   the form points are written in: binary, or the JSON of earlier releases during a rolling
 *                       upgrade (issue 18)
 */
public record IngestSpec(String rawTopic, String pointsTopic, String dlqTopic, Duration step, Duration grace,
                         Duration idleClose, boolean inMemoryStores, RawEventParser.Limits limits, SeriesQuota.Limits quota,
                         PointFormat pointsFormat) {
    public IngestSpec {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(pointsFormat, "pointsFormat");
        Objects.requireNonNull(quota, "quota");
        if (blank(rawTopic) || blank(pointsTopic) || blank(dlqTopic)) {
            throw new IllegalArgumentException("topics must be named: raw '" + rawTopic + "', points '" + pointsTopic + "', dlq '" + dlqTopic + "'");
        }
        if (step == null || step.toMillis() < 1) {
            throw new IllegalArgumentException("window step must be at least 1 ms, is " + step);
        }
        if (grace == null || grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, is " + grace);
        }
        if (idleClose == null || idleClose.toMillis() < 1) {
            throw new IllegalArgumentException("idle close must be at least 1 ms, is " + idleClose);
        }
    }

    /** The default idle close: two steps plus grace, so a series that skips one scrape is not closed early. */
    public static Duration defaultIdleClose(Duration step, Duration grace) {
        return step.multipliedBy(2).plus(grace);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
