package org.forecaster.core.wire;

import java.time.Instant;

/**
 * An alert transition on {@code anomalies}: OPEN when the anomaly score passed the threshold for the
 * configured number of consecutive points, RESOLVED when it fell back for as many. Only transitions are
 * sent, so an incident is one OPEN and one RESOLVED, not a storm.
 *
 * @param expected one-step prediction of {@code value}; {@code lower}/{@code upper} its interval
 * @param score    anomaly score in [0, 1] of this point
 */
public record AnomalyRecord(String series, Instant ts, double value, double expected, double lower, double upper,
                            double score, State state, long modelVersion) {
    public enum State { OPEN, RESOLVED }
}
