package org.forecaster.trainer.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Every error this service answers with, from the resource, the key filter and {@link ClientErrorMapper} (issue 19). */
@Schema(description = "A request error, for people")
public record ApiError(@Schema(required = true, description = "what went wrong") String error) {}
