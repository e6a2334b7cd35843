package org.forecaster.serving.rest;

import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The API document's key (issue 19): every {@code /api} read takes a key of the read scope, in {@code X-Api-Key}, as
 * {@code Authorization: Bearer} or in the dashboard's cookie, unless anonymous reads are on. The document and Swagger
 * UI are on the management port ({@code /q/openapi}, {@code /q/swagger-ui}), in production too; Swagger UI's
 * "Authorize" takes the key once.
 */
@OpenAPIDefinition(info = @Info(title = "model-service", version = "0.1.0"),
        security = @SecurityRequirement(name = ApiDocument.API_KEY),
        components = @Components(responses = {
                @APIResponse(name = ApiDocument.OWNER_REDIRECT, description = "owned by another instance: Location is this path there, the body names the owner",
                        headers = @Header(name = HttpHeaders.LOCATION, description = "http://owner/api/v1/series/{id}/..."),
                        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OwnerRedirect.class))),
                @APIResponse(name = ApiDocument.UNAUTHORIZED, description = "missing or wrong read key (unless anonymous reads are on)",
                        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class))),
                @APIResponse(name = ApiDocument.NO_STATE, description = "no state for this series on its owner (never seen, or evicted by the TTL)",
                        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class))),
                @APIResponse(name = ApiDocument.STORE_UNAVAILABLE, description = "the store is not queryable now (starting, rebalancing, "
                        + "restoring), or, where the answer needs the model, no model is loaded",
                        headers = @Header(name = HttpHeaders.RETRY_AFTER, description = "seconds"),
                        content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))}))
@SecurityScheme(securitySchemeName = ApiDocument.API_KEY, type = SecuritySchemeType.APIKEY,
        in = SecuritySchemeIn.HEADER, apiKeyName = "X-Api-Key",
        description = "A key of the read scope (forecast.security.read-keys-file);"
                + " Authorization: Bearer <key> works too. Not needed when forecast.security.anonymous-read is on.")
public final class ApiDocument extends Application {
    static final String API_KEY = "api-key";
    // The responses every per-series endpoint shares, written once under components/responses and referenced by name.
    static final String OWNER_REDIRECT = "OwnerRedirect";
    static final String UNAUTHORIZED = "Unauthorized";
    static final String NO_STATE = "NoState";
    static final String STORE_UNAVAILABLE = "StoreUnavailable";
}
