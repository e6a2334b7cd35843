package org.forecaster.core.wire;

import java.time.Instant;
import java.util.Map;

/**
 * One telemetry reading as producers send it on {@code telemetry.raw}:
 * {@code {"series":"host-1.cpu","ts":"2024-05-01T12:00:00Z" | 1714564800000,"value":0.42,"labels":{...}}}.
 * Parsing and validation (bounds, character sets, sizes) live in {@link RawEventParser}.
 */
public record RawEvent(String series, Instant ts, double value, Map<String, String> labels) {
    public RawEvent {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
