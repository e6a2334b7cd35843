package org.forecaster.ingest.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.forecaster.ingest.config.IngestConfig;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The API key rule every ingest endpoint shares: the configured header ({@code X-Api-Key}) carries the key, or
 * {@code Authorization: Bearer <key>} does. The bearer form is what Prometheus' remote_write {@code authorization}
 * block sends; its {@code headers} block cannot be relied on (Debian's Prometheus 2.42 drops custom headers,
 * prometheus/prometheus#13030).
 */
@ApplicationScoped
public class ApiKeyCheck {
    private static final String BEARER = "Bearer ";

    private final byte[] apiKey;
    private final String header;

    public ApiKeyCheck(IngestConfig config) {
        this.apiKey = config.http().apiKey().getBytes(StandardCharsets.UTF_8);
        this.header = config.http().apiKeyHeader();
    }

    boolean allows(HttpHeaders headers) {
        String key = headers.getHeaderString(header);
        if (key == null) {
            String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
            if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                key = authorization.substring(BEARER.length()).strip();
            }
        }
        // Constant-time comparison: the time taken must not reveal how much of a guessed key was right.
        return key != null && MessageDigest.isEqual(apiKey, key.getBytes(StandardCharsets.UTF_8));
    }

    /** The 401 answer for a request that {@link #allows} refuses. */
    RestResponse<Object> unauthorized() {
        return RestResponse.status(RestResponse.Status.UNAUTHORIZED,
                new EventsResource.ErrorBody("unauthorized", "missing or wrong " + header + " header (or Authorization: Bearer)"));
    }
}
