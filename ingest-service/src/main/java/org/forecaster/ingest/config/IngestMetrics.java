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
 * ({@code forecast_ingest_http_rejected_total{reason}}) and windows emitted
 * ({@code forecast_ingest_windows_emitted_total}).
 */
@ApplicationScoped
public class IngestMetrics implements IngestListener {
    private final MeterRegistry registry;
    private final Counter acceptedStream;
    private final Counter acceptedHttp;
    private final Counter windows;
    private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<String, Counter> httpRejected = new ConcurrentHashMap<>();

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.acceptedStream = Counter.builder("forecast.ingest.events.accepted").tag("path", "stream")
                .description("events that passed validation and the lateness check").register(registry);
        this.acceptedHttp = Counter.builder("forecast.ingest.events.accepted").tag("path", "http")
                .description("events that passed validation and the lateness check").register(registry);
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
