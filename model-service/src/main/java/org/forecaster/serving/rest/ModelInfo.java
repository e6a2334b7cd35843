package org.forecaster.serving.rest;

import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;
import org.forecaster.core.modelio.ModelHeader;

/**
 * {@code GET /api/v1/model}: the serving model's header (see {@link ModelHeader} for each field), its parameter count,
 * the weight-swap counters and a readable summary. Field order is the JSON's.
 */
@Schema(description = "The model serving now: its header, parameter count, weight-swap counters and a summary")
public record ModelInfo(
        String name,
        long version,
        @Schema(description = "the version this one was trained from, null for a first model") Long parentVersion,
        ModelSpec spec,
        @Schema(description = "trainable parameters") int parameters,
        NormalizerSpec normalizer,
        long stepMillis,
        Instant trainedFrom,
        Instant trainedTo,
        int seriesCount,
        long seed,
        @Schema(description = "evaluation results by name, e.g. val.nll") Map<String, Double> metrics,
        Instant createdAt,
        @Schema(description = "weights received by outcome: accepted, rejected.<reason>") Map<String, Double> weights,
        @Schema(description = "the architecture and tensors, for people") String summary) {

    /** The body for {@code header} with the given counters and summary. */
    static ModelInfo of(ModelHeader h, Map<String, Double> weights, String summary) {
        return new ModelInfo(h.name(), h.version(), h.parentVersion(), h.spec(), h.spec().parameterCount(), h.normalizer(),
                h.stepMillis(), h.trainedFrom(), h.trainedTo(), h.seriesCount(), h.seed(), h.metrics(), h.createdAt(), weights,
                summary);
    }
}
