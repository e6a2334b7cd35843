package org.forecaster.serving.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.serving.topology.ServingSpec;

/** The model service's own settings ({@code forecast.serving.*}); Kafka and Kafka Streams settings live in their own prefixes. */
@ConfigMapping(prefix = "forecast.serving")
public interface ServingConfig {
    /** Input topic of windowed points, keyed by series id. */
    @WithDefault("telemetry.points")
    String pointsTopic();

    /** Output topic: one forecast per accepted point. */
    @WithDefault("forecasts")
    String forecastsTopic();

    /** Output topic: alert transitions (OPEN, RESOLVED). */
    @WithDefault("anomalies")
    String anomaliesTopic();

    /** Dead-letter topic for late or malformed points (reason and source in headers). */
    @WithDefault("telemetry.dlq")
    String dlqTopic();

    /** Name of the key-state store; its changelog topic is {@code <application-id>-<name>-changelog}. */
    @WithDefault("key-state")
    String storeName();

    /** {@code in-memory} (changelogged; the better tail latency here) or {@code rocksdb}. */
    @WithDefault("in-memory")
    ServingSpec.StoreType storeType();

    /** Central probability of the forecast intervals. */
    @WithDefault("0.95")
    double intervalLevel();

    /** Gaps of more steps than this reset a key's recurrent state instead of being filled step by step. */
    @WithDefault("288")
    int maxGapSteps();

    /** Inputs remembered per key for re-warming after a weight swap (W in the state size). */
    @WithDefault("48")
    int ringCapacity();

    /** Steps a key's state must have taken before its forecasts stop being flagged cold and it may alert. */
    @WithDefault("24")
    int coldSteps();

    /** Anomaly score (two-sided tail, 0..1) at or above which a point counts as anomalous. */
    @WithDefault("0.9999")
    double alertThreshold();

    /** Consecutive anomalous points that open an alert. */
    @WithDefault("2")
    int alertOpenAfter();

    /** Consecutive normal points that resolve an open alert. */
    @WithDefault("3")
    int alertResolveAfter();

    /** Keys not seen (wall clock) for this long are deleted from the store. */
    @WithDefault("48h")
    Duration stateTtl();

    /** How often the store is scanned for idle keys (also refreshes the key gauges). */
    @WithDefault("1m")
    Duration ttlScanInterval();

    /** How long a stream thread waits for a first model before it fails and is replaced (points are not lost). */
    @WithDefault("30s")
    Duration modelWait();

    /** Series names kept in memory for the series list of the REST API and the dashboard (forecasts are read from the store). */
    @WithDefault("10000")
    int liveSeries();

    /**
     * Host other instances and redirected clients reach this one at, for interactive queries: with
     * {@code quarkus.http.port} it makes {@code quarkus.kafka-streams.application-server}. The pod IP on Kubernetes.
     */
    @WithDefault("localhost")
    String advertisedHost();

    default ServingSpec toSpec() {
        return new ServingSpec(pointsTopic(), forecastsTopic(), anomaliesTopic(), dlqTopic(), storeName(), storeType(),
                intervalLevel(), maxGapSteps(), ringCapacity(), coldSteps(),
                new AlertRule(alertThreshold(), alertOpenAfter(), alertResolveAfter()), stateTtl(), ttlScanInterval(),
                modelWait());
    }
}
