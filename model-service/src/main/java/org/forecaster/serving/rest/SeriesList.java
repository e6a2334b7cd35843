package org.forecaster.serving.rest;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.forecaster.core.wire.AnomalyRecord;

/** {@code GET /api/v1/series}: what this instance has forecast since it started, and the alerts open now. */
@Schema(description = "Series this instance has forecast since it started, and the open alerts")
public record SeriesList(
        @Schema(required = true, description = "series ids, sorted, up to forecast.serving.live-series") List<String> series,
        @Schema(required = true, description = "the open alerts, by series") List<AnomalyRecord> openAlerts) {}
