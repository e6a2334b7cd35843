package org.forecaster.serving.rest;

import io.micrometer.core.instrument.Counter;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsNotStartedException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.forecaster.core.modelio.ModelSummary;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.state.StoredState;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.WireJson;
import org.forecaster.serving.metrics.ServingMetrics;
import org.forecaster.serving.topology.AlertLog;
import org.forecaster.serving.topology.ServingSpec;
import org.forecaster.serving.weights.LoadedModel;
import org.forecaster.serving.weights.ModelHolder;

/**
 * The model service's HTTP API: the model, series forecasts, history and state, open alerts, and a live SSE feed.
 * Per-series answers come from the key-state store by interactive query on the instance that owns the series
 * (see {@link KeyRoute} for the routing), so they survive restarts and follow partitions that move.
 */
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
    @Inject
    PeerSearch peerSearch;
    private final HostInfo self;

    /** {@code application}: this instance's advertised {@code host:port} for interactive queries, if configured. */
    @Inject
    public ServingResource(@ConfigProperty(name = "quarkus.kafka-streams.application-server") Optional<String> application) {
        this.self = KeyRoute.parse(application.orElse(null));
    }

    @GET
    @Path("/model")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The model serving now: version, header and weight-swap counters (503 before the first model)")
    @APIResponse(responseCode = "200", description = "the model's header, parameter count, counters and summary",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelInfo.class)))
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "503", description = "no model loaded yet",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response model() {
        LoadedModel m = holder.current();
        if (m == null) {
            return error(Response.Status.SERVICE_UNAVAILABLE, "no model loaded yet");
        }
        Map<String, Double> weights = new TreeMap<>();
        weights.put("accepted", metrics.registry().get("forecast.weights.accepted").counter().count());
        for (Counter c : metrics.registry().find("forecast.weights.rejected").counters()) {
            weights.put("rejected." + c.getId().getTag("reason"), c.count());
        }
        return json(ModelInfo.of(m.header(), weights, ModelSummary.describe(m.file())));
    }

    @GET
    @Path("/series")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Series this instance has forecast since it started (up to live-series names), and the open alerts")
    @APIResponse(responseCode = "200", description = "series ids and open alerts",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SeriesList.class)))
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    public Response series() {
        return json(new SeriesList(feed.series(), feed.openAlerts()));
    }

    @GET
    @Path("/series/{id}/forecast")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The latest forecast of a series, recomputed from its state in the key-state store",
            description = "The forecast emitted on the forecasts topic at the series' last point, with the same JSON. "
                    + "A state made by earlier weights is re-warmed (a copy) under the current model first, and the "
                    + "forecast carries the current version. A series owned by another instance is redirected there.")
    @APIResponse(responseCode = "200", description = "the forecast, as on the forecasts topic",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ForecastRecord.class)))
    @APIResponse(responseCode = "307", ref = ApiDocument.OWNER_REDIRECT)
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "404", ref = ApiDocument.NO_STATE)
    @APIResponse(responseCode = "503", ref = ApiDocument.STORE_UNAVAILABLE)
    public Response forecast(@PathParam("id") String id, @Context UriInfo uri) {
        return withModelAndState(id, uri, (m, s) -> json(StateViews.forecast(id, s, m, spec)));
    }

    @GET
    @Path("/series/{id}/history")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A series' remembered recent inputs and its latest forecast, from the key-state store",
            description = "points: the last ring-capacity inputs, oldest first, one per model step ending at the last "
                    + "point (value null for a step without a point; inputs from before a state reset are left out). "
                    + "Values are kept as floats. forecast: as GET /series/{id}/forecast. Routing as there.")
    @APIResponse(responseCode = "200", description = "series, stepMillis, points [{ts, value}], forecast",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SeriesHistory.class)))
    @APIResponse(responseCode = "307", ref = ApiDocument.OWNER_REDIRECT)
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "404", ref = ApiDocument.NO_STATE)
    @APIResponse(responseCode = "503", ref = ApiDocument.STORE_UNAVAILABLE)
    public Response history(@PathParam("id") String id, @Context UriInfo uri) {
        return withModelAndState(id, uri, (m, s) -> {
            long step = m.header().stepMillis();
            return json(new SeriesHistory(id, step, StateViews.history(s, step), StateViews.forecast(id, s, m, spec)));
        });
    }

    @GET
    @Path("/series/search")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Series ids that contain a text (ignoring case), in id order, from the key-state stores of every instance",
            description = "The dashboard's search among thousands of series: every key the service holds state for, not only "
                    + "those forecast since start. This instance scans the partitions it owns and asks every other instance "
                    + "that owns some (scope=local, with the caller's key) for theirs; an instance that does not answer is "
                    + "listed in unreachable and its ids are missing. more: further ids matched beyond the limit.")
    @APIResponse(responseCode = "200", description = "the matching ids",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SeriesSearch.Result.class)))
    @APIResponse(responseCode = "400", description = "limit outside 1..1000 or match longer than 256 characters",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "503", ref = ApiDocument.STORE_UNAVAILABLE)
    public Response searchSeries(@QueryParam("match") String match, @QueryParam("limit") Integer limit,
                                 @QueryParam("scope") String scope, @Context HttpHeaders headers) {
        int max = limit == null ? SeriesSearch.DEFAULT_LIMIT : limit;
        try {
            SeriesSearch.check(match, max);
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        SeriesSearch.Result local;
        List<HostInfo> peers;
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.store(
                    StoreQueryParameters.fromNameAndType(spec.storeName(), QueryableStoreTypes.keyValueStore()));
            try (KeyValueIterator<String, byte[]> all = store.all()) {
                local = SeriesSearch.scan(keys(all), match, max);
            }
            peers = "local".equals(scope) || self == null ? List.of() : streams.streamsMetadataForStore(spec.storeName()).stream()
                    .map(StreamsMetadata::hostInfo).filter(h -> !h.equals(self) && h.port() > 0).distinct().toList();
        } catch (InvalidStateStoreException | IllegalStateException e) { // also not started yet (a subclass), or stopping
            return KeyRoute.unavailable("state store not queryable now: " + e.getMessage());
        }
        return peers.isEmpty() ? json(local) : json(peerSearch.ask(peers, match, max, headers, local));
    }

    @GET
    @Path("/series/{id}/alerts")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A series' last alert transitions (at most 32, oldest first), as sent on the anomalies topic; routing as for /forecast",
            description = "From the changelogged alert-log store beside the key's state, so they survive restarts and follow "
                    + "the key to its new owner. Empty for a series that never alerted.")
    @APIResponse(responseCode = "200", description = "{series, alerts: [AnomalyRecord]}",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AlertHistory.class)))
    @APIResponse(responseCode = "307", ref = ApiDocument.OWNER_REDIRECT)
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "404", ref = ApiDocument.NO_STATE)
    @APIResponse(responseCode = "503", ref = ApiDocument.STORE_UNAVAILABLE)
    public Response alerts(@PathParam("id") String id, @Context UriInfo uri) {
        return withState(id, uri, bytes -> {
            byte[] log;
            try {
                log = streams.store(StoreQueryParameters.fromNameAndType(AlertLog.STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()))
                        .get(id);
            } catch (InvalidStateStoreException e) {
                return KeyRoute.unavailable("alert log not queryable now: " + e.getMessage());
            }
            return json(new AlertHistory(id, AlertLog.read(log)));
        });
    }

    private static Iterator<String> keys(KeyValueIterator<String, byte[]> entries) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public String next() {
                return entries.next().key;
            }
        };
    }

    /** A series' last alert transitions, oldest first. */
    public record AlertHistory(String series, List<AnomalyRecord> alerts) {}

    @GET
    @Path("/series/{id}/one-step")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A series' remembered inputs with the one-step band of each, replayed under the current model; routing as for /forecast",
            description = "points: the inputs of /history, each with mean, lower and upper of the one-step prediction for it "
                    + "(null for the first). The band is what the current model predicts when it replays the inputs from a "
                    + "zero state with the key's current normaliser and interval scale (the re-warm after a weight swap): "
                    + "close to, not equal to, the bands forecast at the time, and its first few steps carry the warm-up.")
    @APIResponse(responseCode = "200", description = "{series, modelVersion, level, points: [{ts, value, mean, lower, upper}]}",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StateViews.OneStepBand.class)))
    @APIResponse(responseCode = "307", ref = ApiDocument.OWNER_REDIRECT)
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "404", ref = ApiDocument.NO_STATE)
    @APIResponse(responseCode = "503", ref = ApiDocument.STORE_UNAVAILABLE)
    public Response oneStep(@PathParam("id") String id, @Context UriInfo uri) {
        return withModelAndState(id, uri, (m, s) -> json(StateViews.oneStep(id, s, m, spec)));
    }

    @GET
    @Path("/series/{id}/state")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A series' recurrent state summary, by interactive query of the key-state store; routing as for /forecast")
    @APIResponse(responseCode = "200", description = "version, last ts, steps, cold, expected, sigma, alert, bytes",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SeriesState.class)))
    @APIResponse(responseCode = "307", ref = ApiDocument.OWNER_REDIRECT)
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "404", ref = ApiDocument.NO_STATE)
    @APIResponse(responseCode = "503", ref = ApiDocument.STORE_UNAVAILABLE)
    public Response state(@PathParam("id") String id, @Context UriInfo uri) {
        return withState(id, uri, bytes -> json(SeriesState.of(id, StoredState.decode(bytes), bytes, spec.coldSteps())));
    }

    /** As {@link #withState}, with the key's decoded state and the current model; 503 before the first model. */
    private Response withModelAndState(String id, UriInfo uri, BiFunction<LoadedModel, KeyState, Response> found) {
        return withState(id, uri, bytes -> {
            LoadedModel m = holder.current();
            return m == null ? KeyRoute.unavailable("no model loaded yet") : found.apply(m, StoredState.decode(bytes));
        });
    }

    /**
     * Finds the key's owner from Kafka Streams' metadata and, when it is this instance, reads the key's stored
     * bytes by interactive query and answers with {@code found}; otherwise a redirect to the owner, a 503 while
     * the store cannot be queried, or a 404 when the owner has no state for the key.
     */
    private Response withState(String id, UriInfo uri, Function<byte[], Response> found) {
        KeyRoute route;
        try {
            route = KeyRoute.of(streams.queryMetadataForKey(spec.storeName(), id, Serdes.String().serializer()), self);
        } catch (StreamsNotStartedException | IllegalStateException e) { // not started yet, or stopping
            return KeyRoute.unavailable("state store not queryable now: " + e.getMessage());
        }
        switch (route.kind()) {
            case REMOTE -> {
                return route.redirect(uri.getRequestUri(), id);
            }
            case UNAVAILABLE -> {
                return KeyRoute.unavailable("the owner of series " + id + " is not known now (rebalancing)");
            }
            case LOCAL -> { }
        }
        byte[] bytes;
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.store(
                    StoreQueryParameters.fromNameAndType(spec.storeName(), QueryableStoreTypes.keyValueStore()));
            bytes = store.get(id);
        } catch (InvalidStateStoreException e) {
            return KeyRoute.unavailable("state store not queryable now: " + e.getMessage());
        }
        if (bytes == null) {
            return error(Response.Status.NOT_FOUND, "no state for series " + id);
        }
        return found.apply(bytes);
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Server-sent events of forecasts and alerts from now on, optionally of one series; slow clients lose events")
    @APIResponse(responseCode = "200", description = "a stream of events named forecast (data: a ForecastRecord, as on the "
            + "forecasts topic) or anomaly (data: an AnomalyRecord, as on the anomalies topic)",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                    schema = @Schema(oneOf = {ForecastRecord.class, AnomalyRecord.class})))
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "503", description = "this instance has forecast.serving.max-sse-subscribers clients already",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Multi<OutboundSseEvent> stream(@QueryParam("series") String series, @Context Sse sse) {
        Multi<LiveFeed.Event> events = feed.events(series).orElseThrow(() -> new WebApplicationException(
                error(Response.Status.SERVICE_UNAVAILABLE, "too many live subscribers on this instance; retry later or use another")));
        return events.map(e -> sse.newEventBuilder()
                .name(e.type())
                .data(String.class, new String(WireJson.write(e.record()), StandardCharsets.UTF_8))
                .build());
    }

    private static Response json(Object body) {
        return Response.ok(WireJson.write(body), MediaType.APPLICATION_JSON).build();
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).entity(WireJson.write(new ApiError(message))).type(MediaType.APPLICATION_JSON).build();
    }
}
