package org.forecaster.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.forecaster.core.wire.PointFormat;
import org.forecaster.core.wire.Topics;

/** Everything configurable in the ingest service, under {@code forecast.ingest.*} (README lists the keys). */
@ConfigMapping(prefix = "forecast.ingest")
public interface IngestConfig {
    TopicNames topics();

    Window window();

    Validation validation();

    Http http();

    RemoteWrite remoteWrite();

    Quota quota();

    /**
     * The form of the points written to {@code telemetry.points}: {@code binary} (issue 18), or {@code json} as earlier
     * releases wrote them, while a reader of such a release still runs (README, "Points wire format").
     */
    @WithDefault("binary")
    PointFormat pointsFormat();

    /**
     * How long SIGTERM waits for Kafka Streams to close (commit, flush, leave) before the service exits anyway, with
     * status 3 and its transaction abandoned: keeps a pod whose broker is unreachable from hanging until SIGKILL.
     */
    @WithDefault("PT10S")
    Duration streamsCloseTimeout();

    interface TopicNames {
        /** Raw events in (and where the HTTP endpoint writes). */
        @WithDefault(Topics.RAW)
        String raw();

        /** Closed windows out, one point per key per window. */
        @WithDefault(Topics.POINTS)
        String points();

        /** Rejected and late events out, original bytes with reason and source headers. */
        @WithDefault(Topics.DLQ)
        String dlq();
    }

    interface Window {
        /** Window size: one point per key per step (tumbling, aligned to the epoch). */
        @WithDefault("PT1M")
        Duration step();

        /** How long after a window's end out-of-order events are still included; later ones are dead-lettered as "late". */
        @WithDefault("PT30S")
        Duration grace();

        /**
         * A series that sends nothing for this long (wall clock) has its open windows closed and emitted; default
         * two steps plus grace.
         */
        Optional<Duration> idleClose();

        /** Changelogged in-memory stores (true) or RocksDB (false). */
        @WithDefault("true")
        boolean inMemoryStores();
    }

    interface Validation {
        /** Largest accepted raw event in bytes (larger ones are dead-lettered as "too-large"). */
        @WithDefault("65536")
        int maxPayloadBytes();

        /** Longest accepted series id. */
        @WithDefault("256")
        int maxSeriesLength();

        /** Most labels per event. */
        @WithDefault("32")
        int maxLabels();

        /** Oldest accepted event time (ISO-8601). */
        @WithDefault("2000-01-01T00:00:00Z")
        Instant earliest();

        /**
         * How far past the service's clock an event time may lie. Keep it below the broker's
         * message.timestamp.after.max.ms (1 h by default since Kafka 4.0): an accepted event's time becomes the
         * timestamp of its changelog records, and a record the broker refuses stops the stream.
         */
        @WithDefault("PT30M")
        Duration maxFutureSkew();
    }

    interface Http {
        /**
         * One more key of the {@code ingest} scope besides {@code forecast.security.ingest-keys-file}'s (from a Secret:
         * FORECAST_INGEST_HTTP_API_KEY); kept for deployments that set it before key files existed.
         */
        Optional<String> apiKey();

        /** Header that carries the API key; {@code Authorization: Bearer <key>} is accepted too (Prometheus remote_write). */
        @WithDefault("X-Api-Key")
        String apiKeyHeader();

        /**
         * Largest accepted request body in bytes (413 above it). A declared Content-Length over it is refused before
         * the body is read; {@code quarkus.http.limits.max-body-size} follows it for chunked bodies.
         */
        @WithDefault("1048576")
        int maxRequestBytes();

        /** Most events in one request (413 above it). */
        @WithDefault("10000")
        int maxEventsPerRequest();

        /** How long a request waits for Kafka to acknowledge its events before answering 503. */
        @WithDefault("PT10S")
        Duration sendTimeout();
    }

    /** {@code POST /api/v1/write} (Prometheus remote-write); auth, body and event limits are {@link Http}'s. */
    interface RemoteWrite {
        /**
         * Labels besides the metric name that make up a sample's series id, in any order: the id is
         * {@code name.label=value...} with these labels sorted by name, absent or empty ones left out.
         */
        @WithDefault("instance,job")
        List<String> seriesLabels();

        /** Largest accepted request body after snappy decompression, in bytes (413 above it). */
        @WithDefault("33554432")
        int maxDecodedBytes();
    }

    /** Abuse limits of the windowing stage, per instance (issue 17). */
    interface Quota {
        /**
         * Most series with open windows on this instance; an event of another series beyond it is dead-lettered as
         * {@code series-quota}. Series already windowed keep working.
         */
        @WithDefault("100000")
        int maxLiveSeries();

        /**
         * Most new series (no window state yet) taken on per minute of wall clock on this instance; beyond it a new
         * series' events are dead-lettered as {@code series-quota} until the next minute.
         */
        @WithDefault("10000")
        int maxNewSeriesPerMinute();
    }
}
