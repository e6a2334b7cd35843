package org.forecaster.serving.rest;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.HostInfo;
import org.forecaster.core.wire.WireJson;

/**
 * Asks the other instances for their part of a series search ({@link SeriesSearch}), all at once, at their
 * {@code application.server} address, with the caller's credentials (the same read keys hold on every instance) and
 * {@code scope=local} so that they do not ask further. An instance that fails or takes longer than
 * {@link #TIMEOUT} is reported as unreachable rather than failing the search.
 */
@ApplicationScoped
public class PeerSearch {
    /** How long a peer may take: a search answers someone typing. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final List<String> FORWARDED = List.of(ReadAccessFilter.HEADER, HttpHeaders.AUTHORIZATION, HttpHeaders.COOKIE);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** {@code local} merged with the answers of {@code peers} to the same search. */
    public SeriesSearch.Result ask(List<HostInfo> peers, String match, int limit, HttpHeaders caller, SeriesSearch.Result local) {
        String query = "limit=" + limit + "&scope=local"
                + (match == null ? "" : "&match=" + URLEncoder.encode(match, StandardCharsets.UTF_8));
        List<CompletableFuture<SeriesSearch.Result>> answers = new ArrayList<>(peers.size());
        for (HostInfo peer : peers) {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    URI.create("http://" + peer.host() + ":" + peer.port() + "/api/v1/series/search?" + query)).timeout(TIMEOUT).GET();
            for (String header : FORWARDED) {
                String value = caller.getHeaderString(header);
                if (value != null) {
                    request.header(header, value);
                }
            }
            answers.add(http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("status " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
                }
                return WireJson.read(r.body(), SeriesSearch.Result.class);
            }));
        }
        List<SeriesSearch.Result> parts = new ArrayList<>(List.of(local));
        List<String> unreachable = new ArrayList<>();
        for (int i = 0; i < peers.size(); i++) {
            try {
                parts.add(answers.get(i).join());
            } catch (RuntimeException e) {
                String peer = peers.get(i).host() + ":" + peers.get(i).port();
                Log.warnf("series search: instance %s did not answer (%s); its series are missing from the result", peer,
                        e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                unreachable.add(peer);
            }
        }
        return SeriesSearch.merge(match, limit, parts, unreachable);
    }
}
