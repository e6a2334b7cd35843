package org.forecaster.ingest.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The API document's key (issue 19): every {@code /api} operation takes a key of the ingest scope, in {@code X-Api-
 * Key} or as {@code Authorization: Bearer}. The document and Swagger UI are on the management port ({@code
 * /q/openapi}, {@code /q/swagger-ui}), in production too; Swagger UI's "Authorize" takes the key once.
 */
@OpenAPIDefinition(info = @Info(title = "ingest-service", version = "0.1.0"),
        security = @SecurityRequirement(name = ApiDocument.API_KEY))
@SecurityScheme(securitySchemeName = ApiDocument.API_KEY, type = SecuritySchemeType.APIKEY,
        in = SecuritySchemeIn.HEADER, apiKeyName = "X-Api-Key",
        description = "A key of the ingest scope (forecast.ingest.http.api-key);"
                + " Authorization: Bearer <key> works too.")
public final class ApiDocument extends Application {
    static final String API_KEY = "api-key";
}
