package org.forecaster.serving.rest;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.serving.topology.ServingEvents;

/**
 * What this instance processed lately, for the REST API and the dashboard: the names of up to
 * {@code forecast.serving.live-series} series it has forecast, the open alerts, and a hot broadcast of every
 * forecast and alert for SSE clients. A slow client loses events (dropped per client) instead of slowing the
 * stream threads. Forecasts themselves are not kept here: the REST API recomputes them from the key-state store.
 */
public class LiveFeed implements ServingEvents {
    /** One SSE event: {@code type} is {@code forecast} or {@code anomaly}, {@code record} the wire record. */
    public record Event(String type, String series, Object record) {}

    private final Set<String> series = ConcurrentHashMap.newKeySet();
    private final Map<String, AnomalyRecord> openAlerts = new ConcurrentHashMap<>();
    private final BroadcastProcessor<Event> broadcast = BroadcastProcessor.create();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final int maxSeries;
    private final int maxSubscribers;

    /**
     * @param maxSeries      most series ids kept for the dashboard's list ({@code forecast.serving.live-series})
     * @param maxSubscribers most concurrent event subscribers ({@code forecast.serving.max-sse-subscribers})
     */
    public LiveFeed(int maxSeries, int maxSubscribers) {
        this.maxSeries = maxSeries;
        this.maxSubscribers = maxSubscribers;
    }

    @Override
    public void forecast(ForecastRecord r) {
        if (series.size() < maxSeries) {
            series.add(r.series());
        }
        publish(new Event("forecast", r.series(), r));
    }

    @Override
    public void anomaly(AnomalyRecord r) {
        if (r.state() == AnomalyRecord.State.OPEN) {
            openAlerts.put(r.series(), r);
        } else {
            openAlerts.remove(r.series());
        }
        publish(new Event("anomaly", r.series(), r));
    }

    private void publish(Event e) {
        if (subscribers.get() > 0) {
            // Several stream threads publish; a processor's onNext must not run concurrently.
            synchronized (broadcast) {
                broadcast.onNext(e);
            }
        }
    }

    public List<String> series() {
        return series.stream().sorted().toList();
    }

    public List<AnomalyRecord> openAlerts() {
        return openAlerts.values().stream().sorted((a, b) -> a.series().compareTo(b.series())).toList();
    }

    /**
     * Events from now on, of one series or all (null), dropped for this subscriber when it falls behind; empty when the
     * feed has its most subscribers. The slot is taken now and given back when the stream ends or is cancelled, so
     * subscribe to the result at once.
     */
    public Optional<Multi<Event>> events(String series) {
        if (subscribers.getAndUpdate(n -> n < maxSubscribers ? n + 1 : n) >= maxSubscribers) {
            return Optional.empty();
        }
        return Optional.of(broadcast
                .onTermination().invoke(subscribers::decrementAndGet)
                .onOverflow().drop()
                .select().where(e -> series == null || series.isBlank() || series.equals(e.series())));
    }

    /** Current event subscribers. */
    public int subscribers() {
        return subscribers.get();
    }
}
