package org.forecaster.trainer.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The API document's key (issue 19): starting a run ({@code POST /api/v1/train}) takes a key of the operate scope in
 * {@code X-API-Key}; reading the last run does not. The document and Swagger UI are on the management port ({@code
 * /q/openapi}, {@code /q/swagger-ui}), in production too; Swagger UI's "Authorize" takes the key once.
 */
@OpenAPIDefinition(info = @Info(title = "forecast trainer-service", version = "0.1.0"))
@SecurityScheme(securitySchemeName = ApiDocument.API_KEY, type = SecuritySchemeType.APIKEY,
        in = SecuritySchemeIn.HEADER, apiKeyName = TrainResource.API_KEY_HEADER,
        description = "A key of the operate scope (forecast.security.operate-keys-file).")
public final class ApiDocument extends Application {
    static final String API_KEY = "api-key";
}
