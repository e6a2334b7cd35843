package org.forecaster.ingest.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Every error this service answers with, from the resources, the access filter and {@link ClientErrorMapper} alike
 * (issue 19: one documented shape).
 *
 * @param error   a stable code a client can branch on ({@code unauthorized}, {@code too-large}, {@code malformed-json},
 *                {@code empty}, {@code too-many-events}, {@code bad-snappy}, {@code bad-protobuf},
 *                {@code unsupported-version}, {@code bad-content-type}, {@code unavailable}, {@code client-error})
 * @param message what went wrong, for people
 */
@Schema(description = "A request error: a stable code and a message for people")
public record ApiError(
        @Schema(required = true, description = "stable code, e.g. unauthorized, too-large, malformed-json, unavailable") String error,
        @Schema(required = true, description = "what went wrong, for people") String message) {}
