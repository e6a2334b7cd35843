package org.forecaster.serving.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of a 307 to the instance that owns a series (see {@link KeyRoute}), for clients that do not follow it. */
@Schema(description = "The series is owned by another instance; Location is the same path there")
public record OwnerRedirect(
        @Schema(required = true, description = "says the series is owned by another instance") String error,
        @Schema(required = true, description = "the owner's advertised host:port") String owner,
        @Schema(required = true, description = "this path on the owner, as in the Location header") String location) {}
