package org.forecaster.ingest.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.ingest.config.IngestConfig;
import org.forecaster.ingest.config.IngestMetrics;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code POST /api/v1/events}: one event, a JSON array or NDJSON. Good events go to the raw topic keyed
 * by series (the same validation as the stream, so they will not be dead-lettered for their content);
 * bad ones are listed by item with their reason. The request waits for Kafka's acknowledgement.
 */
@Path("/api/v1/events")
public class EventsResource {
    /** One rejected item: its 1-based line (NDJSON) or element position (array). */
    @Schema(description = "One rejected event")
    public record ItemError(
            @Schema(required = true, description = "1-based line (NDJSON) or element position (array)") int line,
            @Schema(required = true, description = "the dead-letter reason code, e.g. missing-field, non-finite-value") String reason,
            @Schema(required = true, description = "what is wrong with it, for people") String message) {}

    /** The outcome: how many events were sent and why the others were not. */
    @Schema(description = "How many events were sent to Kafka and why the others were not")
    public record IngestResult(
            @Schema(required = true, description = "events Kafka acknowledged") int accepted,
            @Schema(required = true, description = "events refused for their content") int rejected,
            @Schema(required = true, description = "one entry per rejected event") List<ItemError> errors) {}

    private final IngestConfig.Http config;
    private final RawEventParser parser;
    private final IngestMetrics metrics;
    private final RawEventSender sender;

    public EventsResource(IngestConfig config, RawEventParser parser, IngestMetrics metrics, RawEventSender sender) {
        this.config = config.http();
        this.parser = parser;
        this.metrics = metrics;
        this.sender = sender;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ingest raw events", description = "One JSON event, a JSON array of events, or NDJSON (one event per line). "
            + "Requires a key of the ingest scope (checked by IngestAccessFilter before the body is read). Good events are sent even when others are rejected.")
    @APIResponse(responseCode = "202", description = "all events sent",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IngestResult.class)))
    @APIResponse(responseCode = "400", description = "some or all events invalid: IngestResult with errors per item (the good "
            + "ones were sent); or the body as a whole unreadable (malformed-json, empty): ApiError",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(oneOf = {IngestResult.class, ApiError.class})))
    @APIResponse(responseCode = "401", description = "missing or wrong key of the ingest scope",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "413", description = "request body or event count over the limit",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "415", description = "a Content-Type header that cannot be parsed (bad-content-type)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge in time; retry (some may have been sent)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public RestResponse<Object> post(byte[] body) {
        int length = body == null ? 0 : body.length;
        if (length > config.maxRequestBytes()) {
            return RestResponse.status(RestResponse.Status.PAYLOAD_TOO_LARGE,
                    new ApiError("too-large", "request body of " + length + " bytes exceeds the limit of " + config.maxRequestBytes()));
        }
        List<BatchReader.Item> items;
        try {
            items = BatchReader.read(body == null ? new byte[0] : body, parser);
        } catch (IllegalArgumentException e) {
            metrics.httpRejected("malformed-json");
            return RestResponse.status(RestResponse.Status.BAD_REQUEST, new ApiError("malformed-json", e.getMessage()));
        }
        if (items.isEmpty()) {
            return RestResponse.status(RestResponse.Status.BAD_REQUEST, new ApiError("empty", "request has no events"));
        }
        if (items.size() > config.maxEventsPerRequest()) {
            return RestResponse.status(RestResponse.Status.PAYLOAD_TOO_LARGE,
                    new ApiError("too-many-events", "request has " + items.size() + " events, the limit is " + config.maxEventsPerRequest()));
        }
        List<ItemError> errors = new ArrayList<>();
        List<CompletableFuture<Void>> acks = new ArrayList<>(items.size());
        for (BatchReader.Item item : items) {
            if (item.result().valid()) {
                acks.add(sender.send(item.result().event(), item.bytes()));
            } else {
                RawEventParser.Rejection r = item.result().rejection();
                metrics.httpRejected(r.reason());
                errors.add(new ItemError(item.item(), r.reason(), r.message()));
            }
        }
        if (!sender.awaitAll(acks)) {
            return unavailable();
        }
        metrics.acceptedHttp(acks.size());
        IngestResult result = new IngestResult(acks.size(), errors.size(), errors);
        return RestResponse.status(errors.isEmpty() ? RestResponse.Status.ACCEPTED : RestResponse.Status.BAD_REQUEST, result);
    }

    /** Kafka failed or did not answer in time: 503, so the client retries (RawEventSender logged the cause). */
    static RestResponse<Object> unavailable() {
        return RestResponse.status(RestResponse.Status.SERVICE_UNAVAILABLE,
                new ApiError("unavailable", "Kafka did not acknowledge the events in time; retry (some may have been sent)"));
    }
}
