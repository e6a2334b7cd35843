package org.forecaster.serving.rest;

import io.micrometer.core.instrument.Counter;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.forecaster.core.modelio.ModelHeader;
import org.forecaster.core.modelio.ModelSummary;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.WireJson;
import org.forecaster.serving.state.StoredState;
import org.forecaster.serving.topology.ServingMetrics;
import org.forecaster.serving.topology.ServingSpec;
import org.forecaster.serving.weights.LoadedModel;
import org.forecaster.serving.weights.ModelHolder;

/** The model service's HTTP API: the model, series forecasts and state, open alerts, and a live SSE feed. */
@Path("/api/v1")
public class ServingResource {
    @Inject
    ModelHolder holder;
    @Inject
    LiveFeed feed;
    @Inject
    KafkaStreams streams;
    @Inject
    ServingSpec spec;
    @Inject
    ServingMetrics metrics;

    @GET
    @Path("/model")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The model serving now: version, header and weight-swap counters (503 before the first model)")
    public Response model() {
        LoadedModel m = holder.current();
        if (m == null) {
            return error(Response.Status.SERVICE_UNAVAILABLE, "no model loaded yet");
        }
        ModelHeader h = m.header();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", h.name());
        out.put("version", h.version());
        out.put("parentVersion", h.parentVersion());
        out.put("spec", h.spec());
        out.put("parameters", h.spec().parameterCount());
        out.put("normalizer", h.normalizer());
        out.put("stepMillis", h.stepMillis());
        out.put("trainedFrom", h.trainedFrom());
        out.put("trainedTo", h.trainedTo());
        out.put("seriesCount", h.seriesCount());
        out.put("seed", h.seed());
        out.put("metrics", h.metrics());
        out.put("createdAt", h.createdAt());
        Map<String, Double> weights = new TreeMap<>();
        weights.put("accepted", metrics.registry().get("forecast.weights.accepted").counter().count());
        for (Counter c : metrics.registry().find("forecast.weights.rejected").counters()) {
            weights.put("rejected." + c.getId().getTag("reason"), c.count());
        }
        out.put("weights", weights);
        out.put("summary", ModelSummary.describe(m.file()));
        return json(out);
    }

    @GET
    @Path("/series")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Series with a forecast on this instance since it started, and the open alerts")
    public Response series() {
        return json(Map.of("series", feed.series(), "openAlerts", feed.openAlerts()));
    }

    @GET
    @Path("/series/{id}/forecast")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The latest forecast of a series processed by this instance; 404 names the owning instance if known")
    public Response forecast(@PathParam("id") String id) {
        ForecastRecord f = feed.latest(id);
        if (f != null) {
            return Response.ok(WireJson.write(f), MediaType.APPLICATION_JSON).build();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "no forecast for series " + id + " on this instance");
        KeyQueryMetadata meta = streams.queryMetadataForKey(spec.storeName(), id, Serdes.String().serializer());
        if (meta != null && meta != KeyQueryMetadata.NOT_AVAILABLE && meta.activeHost() != null
                && meta.activeHost().port() > 0) {
            body.put("owner", meta.activeHost().host() + ":" + meta.activeHost().port());
        }
        return Response.status(Response.Status.NOT_FOUND).entity(WireJson.write(body)).type(MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("/series/{id}/state")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A series' recurrent state summary, by interactive query of this instance's store")
    public Response state(@PathParam("id") String id) {
        byte[] bytes;
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.store(
                    StoreQueryParameters.fromNameAndType(spec.storeName(), QueryableStoreTypes.keyValueStore()));
            bytes = store.get(id);
        } catch (InvalidStateStoreException e) {
            return error(Response.Status.SERVICE_UNAVAILABLE, "state store not queryable now: " + e.getMessage());
        }
        if (bytes == null) {
            return error(Response.Status.NOT_FOUND, "no state for series " + id + " on this instance");
        }
        KeyState s = StoredState.decode(bytes);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("series", id);
        out.put("modelVersion", s.modelVersion);
        out.put("lastTimestamp", java.time.Instant.ofEpochMilli(s.lastTimestamp));
        out.put("steps", s.steps);
        out.put("cold", s.steps < spec.coldSteps());
        out.put("expected", Double.isNaN(s.expected) ? null : s.expected);
        out.put("sigma", Double.isNaN(s.sigma) ? null : s.sigma);
        out.put("alertOpen", s.alertOpen);
        out.put("remembered", s.remembered());
        out.put("lastSeen", java.time.Instant.ofEpochMilli(StoredState.lastSeen(bytes)));
        out.put("bytes", bytes.length);
        return json(out);
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Server-sent events of forecasts and alerts from now on, optionally of one series; slow clients lose events")
    public Multi<OutboundSseEvent> stream(@QueryParam("series") String series, @Context Sse sse) {
        return feed.events(series).map(e -> sse.newEventBuilder()
                .name(e.type())
                .data(String.class, new String(WireJson.write(e.record()), java.nio.charset.StandardCharsets.UTF_8))
                .build());
    }

    private static Response json(Object body) {
        return Response.ok(WireJson.write(body), MediaType.APPLICATION_JSON).build();
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).entity(WireJson.write(Map.of("error", message))).type(MediaType.APPLICATION_JSON).build();
    }
}
