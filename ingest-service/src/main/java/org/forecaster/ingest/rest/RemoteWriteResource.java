package org.forecaster.ingest.rest;

import io.quarkus.logging.Log;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
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
 * {@code POST /api/v1/write}: Prometheus remote-write 1.0 (snappy-compressed protobuf {@code WriteRequest}). Every
 * sample becomes a raw event as a JSON event on {@code /api/v1/events} would (series id from
 * {@link RemoteWriteSamples}); a sample the rules reject goes to the dead-letter topic with its reason instead, since
 * Prometheus cannot act on per-sample errors and drops a batch it gets a 4xx for. Status codes follow what
 * Prometheus does with them: 204 when Kafka has every record, 4xx (never retried) for a body that will never be
 * readable, 503 (retried with backoff) when Kafka did not acknowledge.
 */
@Path("/api/v1/write")
public class RemoteWriteResource {
    private final IngestConfig.Http limits;
    private final int maxDecodedBytes;
    private final RemoteWriteSamples samples;
    private final IngestMetrics metrics;
    private final RawEventSender sender;

    public RemoteWriteResource(IngestConfig config, RawEventParser parser, IngestMetrics metrics, RawEventSender sender) {
        this.limits = config.http();
        this.maxDecodedBytes = config.remoteWrite().maxDecodedBytes();
        this.samples = new RemoteWriteSamples(config.remoteWrite().seriesLabels(), parser);
        this.metrics = metrics;
        this.sender = sender;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Prometheus remote-write 1.0", description = "Snappy-compressed protobuf WriteRequest, as Prometheus' "
            + "remote_write sends it. Requires the API key header. Each sample becomes a raw event; invalid samples are "
            + "dead-lettered with their reason, staleness markers skipped.")
    @APIResponse(responseCode = "204", description = "every sample sent to the raw or the dead-letter topic")
    @APIResponse(responseCode = "400", description = "body is not snappy-compressed protobuf WriteRequest (bad-snappy, bad-protobuf)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "401", description = "missing or wrong key of the ingest scope",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "413", description = "body (compressed or not) or sample count over the limit",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "415", description = "remote-write 2.0 body (only 1.0 is read), or a Content-Type that cannot be parsed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge in time; Prometheus retries",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public RestResponse<Object> write(HttpHeaders headers, byte[] body) {
        byte[] bytes = body == null ? new byte[0] : body;
        if (bytes.length > limits.maxRequestBytes()) {
            return error(RestResponse.Status.PAYLOAD_TOO_LARGE, "too-large",
                    "request body of " + bytes.length + " bytes exceeds the limit of " + limits.maxRequestBytes());
        }
        String contentType = headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
        // 415 is what a remote-write 2.0 sender expects from a 1.0-only receiver.
        if (contentType != null && contentType.contains("io.prometheus.write.v2")) {
            return error(RestResponse.Status.UNSUPPORTED_MEDIA_TYPE, "unsupported-version",
                    "remote-write 2.0 is not supported; send 1.0 (Prometheus: protobuf_message: prometheus.WriteRequest)");
        }
        byte[] writeRequest;
        try {
            writeRequest = RemoteWriteDecoder.uncompress(bytes, maxDecodedBytes);
        } catch (RemoteWriteDecoder.TooLargeException e) {
            return error(RestResponse.Status.PAYLOAD_TOO_LARGE, "too-large", e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(RestResponse.Status.BAD_REQUEST, "bad-snappy", e.getMessage());
        }
        RemoteWriteSamples.Conversion conversion;
        try {
            conversion = samples.convert(RemoteWriteDecoder.parse(writeRequest));
        } catch (IllegalArgumentException e) {
            return error(RestResponse.Status.BAD_REQUEST, "bad-protobuf", e.getMessage());
        }
        List<RemoteWriteSamples.Item> items = conversion.items();
        if (items.size() > limits.maxEventsPerRequest()) {
            return error(RestResponse.Status.PAYLOAD_TOO_LARGE, "too-many-events",
                    "request has " + items.size() + " samples, the limit is " + limits.maxEventsPerRequest());
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>(items.size());
        List<String> deadLetterReasons = new ArrayList<>();
        for (RemoteWriteSamples.Item item : items) {
            if (item.result().valid()) {
                acks.add(sender.send(item.result().event(), item.json()));
            } else {
                acks.add(sender.deadLetter(item.series(), item.json(), item.result().rejection()));
                deadLetterReasons.add(item.result().rejection().reason());
            }
        }
        if (!sender.awaitAll(acks)) {
            return EventsResource.unavailable();
        }
        metrics.acceptedRemoteWrite(items.size() - deadLetterReasons.size());
        deadLetterReasons.forEach(metrics::deadLettered);
        metrics.staleMarkers(conversion.staleMarkers());
        Log.debugf("remote-write: %d samples sent, %d dead-lettered, %d staleness markers skipped",
                items.size() - deadLetterReasons.size(), deadLetterReasons.size(), conversion.staleMarkers());
        return RestResponse.noContent();
    }

    /** A request error; counted like the JSON endpoint's, by its code. */
    private RestResponse<Object> error(RestResponse.Status status, String code, String message) {
        metrics.httpRejected(code);
        return RestResponse.status(status, new ApiError(code, message));
    }
}
