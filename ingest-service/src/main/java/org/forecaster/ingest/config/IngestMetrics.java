package org.forecaster.ingest.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.forecaster.ingest.topology.IngestListener;

/**
 * Micrometer counters (Prometheus names in brackets): events accepted by path
 * ({@code forecast_ingest_events_accepted_total{path="stream"|"http"}}), dead-lettered by reason
 * ({@code forecast_ingest_events_dead_lettered_total{reason}}), rejected by the HTTP endpoint by reason
 * ({@code forecast_ingest_http_rejected_total{reason}}), windows emitted
 * ({@code forecast_ingest_windows_emitted_total}) and Prometheus staleness markers skipped by remote-write
 * ({@code forecast_ingest_remote_write_stale_markers_total}).
 */
@ApplicationScoped
public class IngestMetrics implements IngestListener {
    private final MeterRegistry registry;
    private final Counter acceptedStream;
    private final Counter acceptedHttp;
    private final Counter acceptedRemoteWrite;
    private final Counter windows;
    private final Counter staleMarkers;
    private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<String, Counter> httpRejected = new ConcurrentHashMap<>();

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.acceptedStream = Counter.builder("forecast.ingest.events.accepted").tag("path", "stream")
                .description("events that passed validation and the lateness check").register(registry);
        this.acceptedHttp = Counter.builder("forecast.ingest.events.accepted").tag("path", "http")
                .description("events that passed validation and the lateness check").register(registry);
        this.acceptedRemoteWrite = Counter.builder("forecast.ingest.events.accepted").tag("path", "remote-write")
                .description("events that passed validation and the lateness check").register(registry);
        this.staleMarkers = Counter.builder("forecast.ingest.remote.write.stale.markers")
                .description("Prometheus staleness markers skipped by the remote-write endpoint (not events)").register(registry);
        this.windows = Counter.builder("forecast.ingest.windows.emitted").description("closed windows written as points").register(registry);
    }

    @Override
    public void accepted() {
        acceptedStream.increment();
    }

    /** Events the HTTP endpoint handed to Kafka (acknowledged). */
    public void acceptedHttp(int n) {
        acceptedHttp.increment(n);
    }

    /** Samples the remote-write endpoint handed to Kafka as events (acknowledged). */
    public void acceptedRemoteWrite(int n) {
        acceptedRemoteWrite.increment(n);
    }

    /** Staleness markers in remote-write requests: a series ended, not a value, so they are skipped. */
    public void staleMarkers(int n) {
        staleMarkers.increment(n);
    }

    @Override
    public void deadLettered(String reason) {
        deadLettered.computeIfAbsent(reason, r -> Counter.builder("forecast.ingest.events.dead.lettered").tag("reason", r)
                .description("events written to the dead-letter topic").register(registry)).increment();
    }

    /** Events the HTTP endpoint refused (their request got a 400). */
    public void httpRejected(String reason) {
        httpRejected.computeIfAbsent(reason, r -> Counter.builder("forecast.ingest.http.rejected").tag("reason", r)
                .description("events refused by the HTTP endpoint").register(registry)).increment();
    }

    @Override
    public void windowEmitted() {
        windows.increment();
    }
}
