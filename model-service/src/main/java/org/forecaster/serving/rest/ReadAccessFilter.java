package org.forecaster.serving.rest;

import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.forecaster.core.access.ApiKeys;
import org.forecaster.core.wire.WireJson;

/**
 * Everything under {@code /api/} (series, forecasts, state, history, the model, SSE) needs a key of the {@code read}
 * scope (issue 17), checked on the headers before any handler runs: {@value #HEADER}, {@code Authorization: Bearer},
 * or the {@value #COOKIE} cookie, which the dashboard sets because a browser's EventSource cannot send headers. Keys of
 * other scopes are not read keys. The dashboard page itself carries no data and stays open. {@code /q/*} (health,
 * metrics) is not on this router at all: the management interface serves it on its own port, without a key.
 */
@ApplicationScoped
public class ReadAccessFilter {
    static final String HEADER = "X-Api-Key";
    static final String COOKIE = "forecast-read-key";
    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;
    private final boolean anonymous;

    public ReadAccessFilter(AccessConfig access) {
        this.keys = new ApiKeys(access.readKeysFile(), List.of(), access.keysReload(), System::nanoTime,
                e -> Log.warnf(e, "cannot re-read the read key file; the keys read before stay valid"));
        this.anonymous = access.anonymousRead();
        if (anonymous) {
            Log.warn("forecast.security.anonymous-read=true: the REST API and SSE are open to anyone who can reach them");
        } else if (keys.size() == 0) {
            Log.warn("no read key configured (forecast.security.read-keys-file): every /api request is refused");
        }
    }

    void install(@Observes Router router) {
        if (!anonymous) {
            router.route("/api/*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
        }
    }

    private void check(RoutingContext ctx) {
        if (keys.accepts(presentedKey(ctx))) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(401)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new String(WireJson.write(new ApiError("missing or wrong " + HEADER + " header, Authorization: Bearer or "
                        + COOKIE + " cookie (a key of the read scope)")), StandardCharsets.UTF_8));
    }

    private static String presentedKey(RoutingContext ctx) {
        String key = ctx.request().getHeader(HEADER);
        if (key != null) {
            return key;
        }
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).strip();
        }
        Cookie cookie = ctx.request().getCookie(COOKIE);
        return cookie == null ? null : cookie.getValue();
    }
}
