package org.forecaster.ingest.rest;

import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import org.forecaster.core.access.ApiKeys;
import org.forecaster.core.wire.WireJson;
import org.forecaster.ingest.config.AccessConfig;
import org.forecaster.ingest.config.IngestConfig;
import org.forecaster.ingest.config.IngestMetrics;

/**
 * Checks the {@code ingest} scope's key on the request headers alone, before anything reads the body (issue 17): an
 * unauthenticated client cannot make the service buffer an upload. The key comes in the configured header
 * ({@code X-Api-Key}) or as {@code Authorization: Bearer <key>}, which is what Prometheus' remote_write
 * {@code authorization} block sends (its {@code headers} block cannot be relied on: Debian's Prometheus 2.42 drops
 * custom headers, prometheus/prometheus#13030). A declared body over the request limit is refused here too.
 *
 * <p>A refused body is never buffered. One declared within the request limit (an authenticated client's: 16 MiB) is
 * read and dropped before the answer,
 * so the connection stays usable (closing a socket with unread data makes the client's TCP see a reset, and it may
 * lose the answer); a larger or chunked one is not read at all: the answer closes the connection.
 */
@ApplicationScoped
public class IngestAccessFilter {
    private static final String BEARER = "Bearer ";
    /**
     * An authenticated client over the request limit still gets the JSON 413 for bodies up to this (the old Vert.x
     * limit): dropping its bytes costs no memory.
     */
    private static final long AUTHENTICATED_DRAIN_BYTES = 16L << 20;

    private final ApiKeys keys;
    private final String header;
    private final long maxRequestBytes;
    private final IngestMetrics metrics;

    public IngestAccessFilter(IngestConfig config, AccessConfig access, IngestMetrics metrics) {
        this.keys = new ApiKeys(access.ingestKeysFile(), config.http().apiKey().stream().toList(), access.keysReload(),
                System::nanoTime, e -> Log.warnf(e, "cannot re-read the ingest key file; the keys read before stay valid"));
        this.header = config.http().apiKeyHeader();
        this.maxRequestBytes = config.http().maxRequestBytes();
        this.metrics = metrics;
        if (keys.size() == 0) {
            Log.warn("no ingest key configured (forecast.security.ingest-keys-file): every /api request is refused");
        }
    }

    void install(@Observes Router router) {
        // Before Quarkus' own body-size limit (ROUTE_ORDER_UPLOAD_LIMIT) and every handler that reads the body.
        router.route("/api/*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        if (!keys.accepts(presentedKey(ctx))) {
            metrics.httpRejected("unauthorized");
            refuse(ctx, 401, "unauthorized", "missing or wrong " + header + " header (or Authorization: Bearer)", maxRequestBytes);
            return;
        }
        long declared = contentLength(ctx);
        if (declared > maxRequestBytes) {
            metrics.httpRejected("too-large");
            refuse(ctx, 413, "too-large", "request body of " + declared + " bytes exceeds the limit of " + maxRequestBytes,
                    AUTHENTICATED_DRAIN_BYTES);
            return;
        }
        ctx.next();
    }

    private String presentedKey(RoutingContext ctx) {
        String key = ctx.request().getHeader(header);
        if (key == null) {
            String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
            if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                key = authorization.substring(BEARER.length()).strip();
            }
        }
        return key;
    }

    private static long contentLength(RoutingContext ctx) {
        String value = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return value == null ? -1 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1; // Vert.x has already refused a malformed Content-Length; chunked bodies have none
        }
    }

    /**
     * Answers a refused request: a body declared at most {@code drainUpTo} bytes is dropped unbuffered first, a larger
     * or chunked one is not read and the connection closes (see the class comment).
     */
    private static void refuse(RoutingContext ctx, int status, String error, String message, long drainUpTo) {
        HttpServerResponse response = ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        String body = new String(WireJson.write(new ApiError(error, message)), StandardCharsets.UTF_8);
        long declared = contentLength(ctx);
        HttpServerRequest request = ctx.request();
        if (request.isEnded()) {
            response.end(body);
            return;
        }
        if (declared < 0 || declared > drainUpTo) {
            // Vert.x would read the rest of the request before honouring Connection: close; closing it ourselves
            // stops the upload where it is.
            response.putHeader(HttpHeaders.CONNECTION, "close").end(body).onComplete(sent -> request.connection().close());
            return;
        }
        request.handler(dropped -> {})
                .exceptionHandler(e -> response.reset())
                .endHandler(done -> response.end(body));
        request.resume();
    }
}
