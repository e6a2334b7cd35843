package org.forecaster.serving.rest;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.forecaster.core.wire.ForecastRecord;

/** {@code GET /api/v1/series/{id}/history}: a series' remembered inputs and its latest forecast. */
@Schema(description = "A series' remembered recent inputs and its latest forecast")
public record SeriesHistory(
        @Schema(required = true) String series,
        @Schema(required = true, description = "the model's step, in milliseconds") long stepMillis,
        @Schema(required = true, description = "one per step, oldest first, ending at the last point")
        List<StateViews.HistoryPoint> points,
        @Schema(required = true, description = "as GET /api/v1/series/{id}/forecast") ForecastRecord forecast) {}
