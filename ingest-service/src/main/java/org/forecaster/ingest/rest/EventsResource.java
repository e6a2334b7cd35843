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
    /** A client error: a stable code and a message for people. */
    public record ErrorBody(String error, String message) {}

    /** One rejected item: its 1-based line (NDJSON) or element position (array). */
    public record ItemError(int line, String reason, String message) {}

    /** The outcome: how many events were sent and why the others were not. */
    public record IngestResult(int accepted, int rejected, List<ItemError> errors) {}

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
    @APIResponse(responseCode = "202", description = "all events sent")
    @APIResponse(responseCode = "400", description = "some or all events invalid; errors per line, good ones sent")
    @APIResponse(responseCode = "401", description = "missing or wrong key of the ingest scope")
    @APIResponse(responseCode = "413", description = "request body or event count over the limit")
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge in time")
    public RestResponse<Object> post(byte[] body) {
        int length = body == null ? 0 : body.length;
        if (length > config.maxRequestBytes()) {
            return RestResponse.status(RestResponse.Status.PAYLOAD_TOO_LARGE,
                    new ErrorBody("too-large", "request body of " + length + " bytes exceeds the limit of " + config.maxRequestBytes()));
        }
        List<BatchReader.Item> items;
        try {
            items = BatchReader.read(body == null ? new byte[0] : body, parser);
        } catch (IllegalArgumentException e) {
            metrics.httpRejected("malformed-json");
            return RestResponse.status(RestResponse.Status.BAD_REQUEST, new ErrorBody("malformed-json", e.getMessage()));
        }
        if (items.isEmpty()) {
            return RestResponse.status(RestResponse.Status.BAD_REQUEST, new ErrorBody("empty", "request has no events"));
        }
        if (items.size() > config.maxEventsPerRequest()) {
            return RestResponse.status(RestResponse.Status.PAYLOAD_TOO_LARGE,
                    new ErrorBody("too-many-events", "request has " + items.size() + " events, the limit is " + config.maxEventsPerRequest()));
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
                new ErrorBody("unavailable", "Kafka did not acknowledge the events in time; retry (some may have been sent)"));
    }
}
