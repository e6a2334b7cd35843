package org.forecaster.core.wire;

import java.time.Instant;

/**
 * An alert transition on {@code anomalies}: OPEN when a key's point (or, for {@code silent}, the lack of points)
 * opened an alert, RESOLVED when it closed. Only transitions are sent, so an incident is one OPEN and one RESOLVED,
 * not a storm; one alert is open per key at a time.
 *
 * @param expected one-step prediction of {@code value}; {@code lower}/{@code upper} its interval
 * @param score    anomaly score in [0, 1] of this point
 * @param reason   the kind of change that opened the alert ({@code spike}, {@code level-shift},
 *                 {@code variance-burst}, {@code drift}, {@code flatline}, {@code silent}, or {@code score} when only
 *                 the anomaly score passed its threshold), the same on its RESOLVED record; null in records written
 *                 before alerts had reasons (readers of older records get null)
 */
public record AnomalyRecord(String series, Instant ts, double value, double expected, double lower, double upper,
                            double score, State state, long modelVersion, String reason) {
    public enum State { OPEN, RESOLVED }
}
