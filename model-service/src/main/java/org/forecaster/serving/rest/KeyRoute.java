package org.forecaster.serving.rest;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.net.URI;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.forecaster.core.wire.WireJson;

/**
 * Where a key's state can be read, from Kafka Streams' metadata for it: in this instance's store, in another
 * instance's (its {@code application.server}), or nowhere right now (no assignment yet, or rebalancing).
 *
 * <p>A key owned elsewhere is answered with {@code 307 Temporary Redirect} to the same path on the owner, with the
 * owner also in the JSON body ({@code owner: host:port}) for clients that do not follow redirects: ownership moves
 * with every rebalance, so the redirect is temporary, and 307 keeps the method. The owner's address is what it
 * advertises (the pod IP on Kubernetes), reachable inside the cluster. During a rebalance two instances can each
 * believe the other owns a key for a moment; HTTP clients bound the redirects they follow.
 */
public record KeyRoute(Kind kind, HostInfo owner) {
    public enum Kind { LOCAL, REMOTE, UNAVAILABLE }

    /** Seconds a client should wait before asking again while the store is not queryable (a rebalance takes a few). */
    public static final int RETRY_AFTER_SECONDS = 2;

    private static final KeyRoute LOCAL = new KeyRoute(Kind.LOCAL, null);
    private static final KeyRoute UNAVAILABLE = new KeyRoute(Kind.UNAVAILABLE, null);

    /**
     * The route for a key with metadata {@code meta} (null or {@link KeyQueryMetadata#NOT_AVAILABLE} before the
     * first assignment) seen from the instance advertising {@code self}. Without {@code self} (no
     * {@code application.server} configured) every key is looked up locally: the metadata names no hosts then.
     */
    public static KeyRoute of(KeyQueryMetadata meta, HostInfo self) {
        if (self == null) {
            return LOCAL;
        }
        if (meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE) || meta.activeHost() == null
                || meta.activeHost().port() < 0) {
            return UNAVAILABLE;
        }
        return meta.activeHost().equals(self) ? LOCAL : new KeyRoute(Kind.REMOTE, meta.activeHost());
    }

    /** {@code application.server}'s {@code host:port}, or null when it is not configured. */
    public static HostInfo parse(String endpoint) {
        return endpoint == null || endpoint.isBlank() ? null : HostInfo.buildFromEndpoint(endpoint.strip());
    }

    /** 307 to {@code request}'s path and query on {@link #owner}, with {@code owner} in the body. */
    public Response redirect(URI request, String series) {
        URI location = UriBuilder.fromUri(request).scheme("http").host(owner.host()).port(owner.port()).build();
        OwnerRedirect body = new OwnerRedirect("series " + series + " is owned by another instance",
                owner.host() + ":" + owner.port(), location.toString());
        return Response.status(Response.Status.TEMPORARY_REDIRECT).location(location)
                .entity(WireJson.write(body)).type(MediaType.APPLICATION_JSON).build();
    }

    /** 503 with {@code Retry-After}: the store cannot be queried now, but will be after the rebalance. */
    public static Response unavailable(String message) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .entity(WireJson.write(new ApiError(message))).type(MediaType.APPLICATION_JSON).build();
    }
}
