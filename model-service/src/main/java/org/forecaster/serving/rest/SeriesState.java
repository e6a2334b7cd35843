package org.forecaster.serving.rest;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.StoredState;

/** {@code GET /api/v1/series/{id}/state}: a summary of a series' stored recurrent state. Field order is the JSON's. */
@Schema(description = "A series' recurrent state summary, from the key-state store")
public record SeriesState(
        @Schema(required = true) String series,
        @Schema(required = true, description = "the model version that made the state") long modelVersion,
        @Schema(required = true, description = "the last point's time") Instant lastTimestamp,
        @Schema(required = true, description = "steps since the state started (or was reset)") long steps,
        @Schema(required = true, description = "fewer steps than forecast.serving.cold-steps: intervals not trusted yet") boolean cold,
        @Schema(description = "the one-step expected value, null before the first forecast") Double expected,
        @Schema(description = "the one-step sigma, null before the first forecast") Double sigma,
        @Schema(required = true) boolean alertOpen,
        @Schema(required = true, description = "inputs remembered for the history") int remembered,
        @Schema(required = true, description = "when the state was last written (eviction clock)") Instant lastSeen,
        @Schema(required = true, description = "stored size of the state") int bytes) {

    /** The summary of {@code state}, decoded from {@code stored}; NaN (no forecast yet) becomes null. */
    static SeriesState of(String series, KeyState state, byte[] stored, int coldSteps) {
        return new SeriesState(series, state.modelVersion, Instant.ofEpochMilli(state.lastTimestamp), state.steps,
                state.steps < coldSteps, Double.isNaN(state.expected) ? null : state.expected,
                Double.isNaN(state.sigma) ? null : state.sigma, state.alertOpen, state.remembered(),
                Instant.ofEpochMilli(StoredState.lastSeen(stored)), stored.length);
    }
}
