package org.forecaster.trainer.rest;

import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import org.forecaster.core.access.ApiKeys;
import org.forecaster.core.wire.WireJson;
import org.forecaster.trainer.config.AccessConfig;
import org.forecaster.trainer.config.TrainerConfig;

/**
 * {@code POST /api/v1/train} needs a key of the {@code operate} scope in {@value TrainResource#API_KEY_HEADER}, checked
 * on the headers before the body is read (issue 17). Only that scope: an ingest or read key does not start a run, which
 * can publish a model that lost to production ({@code force}).
 */
@ApplicationScoped
public class OperateAccessFilter {
    private final ApiKeys keys;

    public OperateAccessFilter(TrainerConfig config, AccessConfig access) {
        this.keys = new ApiKeys(access.operateKeysFile(), config.apiKey().stream().toList(), access.keysReload(),
                System::nanoTime, e -> Log.warnf(e, "cannot re-read the operate key file; the keys read before stay valid"));
        if (keys.size() == 0) {
            Log.info("no operate key configured (forecast.security.operate-keys-file): POST /api/v1/train answers 401");
        }
    }

    void install(@Observes Router router) {
        // Before Quarkus' body-size limit and every handler that reads the body.
        router.post("/api/v1/train").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        if (keys.accepts(ctx.request().getHeader(TrainResource.API_KEY_HEADER))) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(401)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                // Vert.x drops the rest of the body unbuffered, then closes: nothing reaches the endpoint.
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(new String(WireJson.write(new ApiError("missing or wrong " + TrainResource.API_KEY_HEADER
                        + " (a key of the operate scope)")), StandardCharsets.UTF_8));
    }
}
