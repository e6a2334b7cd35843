package org.forecaster.cli.scenario;

import java.time.Instant;

/**
 * A labelled anomaly window of one series: an alert that opens in {@code [start, end]} (both inclusive, widened to
 * whole windows by the scorer) found it. {@code kind} is free text for labels written by people; generated
 * scenarios use {@link AnomalyKind#label()}. One element of {@code labels.json}:
 * {@code {"series":"scn-003","kind":"spike","start":"2024-01-05T13:20:00Z","end":"2024-01-05T13:22:00Z"}}.
 */
public record Label(String series, String kind, Instant start, Instant end) {
    public Label {
        if (series == null || series.isBlank()) {
            throw new IllegalArgumentException("label has no series");
        }
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("label of " + series + " has no kind");
        }
        if (start == null || end == null) {
            throw new IllegalArgumentException("label of " + series + " needs both start and end");
        }
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("label of " + series + " ends (" + end + ") before it starts (" + start + ")");
        }
    }
}
