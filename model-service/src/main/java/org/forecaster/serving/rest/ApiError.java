package org.forecaster.serving.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Every error this service answers with, from the resource and the read-key filter alike (issue 19: one shape). */
@Schema(description = "A request error, for people")
public record ApiError(@Schema(required = true, description = "what went wrong") String error) {}
