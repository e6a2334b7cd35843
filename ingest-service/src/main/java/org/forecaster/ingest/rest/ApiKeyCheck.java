package org.forecaster.ingest.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.forecaster.ingest.config.IngestConfig;
import org.jboss.resteasy.reactive.RestResponse;

/** The API key rule every ingest endpoint shares: the configured header must carry the configured key. */
@ApplicationScoped
public class ApiKeyCheck {
    private final byte[] apiKey;
    private final String header;

    public ApiKeyCheck(IngestConfig config) {
        this.apiKey = config.http().apiKey().getBytes(StandardCharsets.UTF_8);
        this.header = config.http().apiKeyHeader();
    }

    /** The 401 answer for a request that {@link #allows} refuses. */
    RestResponse<Object> unauthorized() {
        return RestResponse.status(RestResponse.Status.UNAUTHORIZED,
                new EventsResource.ErrorBody("unauthorized", "missing or wrong " + header + " header"));
    }

    boolean allows(HttpHeaders headers) {
        String key = headers.getHeaderString(header);
        // Constant-time comparison: the time taken must not reveal how much of a guessed key was right.
        return key != null && MessageDigest.isEqual(apiKey, key.getBytes(StandardCharsets.UTF_8));
    }
}
