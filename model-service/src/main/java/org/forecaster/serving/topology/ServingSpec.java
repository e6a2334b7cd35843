package org.forecaster.serving.topology;

import java.time.Duration;
import org.forecaster.core.anomaly.AlertRule;

/**
 * Everything the forecasting topology needs besides the model, validated here so that a bad value fails at
 * start-up with its name. Built from {@code ServingConfig} by the application, directly by tests.
 *
 * @param pointsTopic     input: windowed points ({@code wire.Point} JSON), keyed by series id
 * @param forecastsTopic  output: one {@code ForecastRecord} per accepted point
 * @param anomaliesTopic  output: {@code AnomalyRecord} alert transitions
 * @param dlqTopic        output: points that cannot be processed (late, malformed), with reason headers
 * @param storeName       name of the changelogged key-state store (its changelog topic derives from it)
 * @param storeType       in-memory (changelogged, restored on start) or RocksDB
 * @param intervalLevel   central probability of the forecast intervals, e.g. 0.95
 * @param maxGapSteps     gaps longer than this many steps reset a key's recurrent state instead of being filled
 * @param ringCapacity    inputs remembered per key for re-warming after a weight swap
 * @param coldSteps       a key's forecasts are flagged cold, and it never alerts, until its state has taken this many steps
 * @param alertRule       anomaly threshold and the OPEN/RESOLVED runs
 * @param stateTtl        keys not seen (wall clock) for this long are deleted from the store
 * @param ttlScanInterval how often (wall clock) the store is scanned for idle keys
 * @param modelWait       how long a stream thread waits for a first model before failing (and being replaced)
 */
public record ServingSpec(String pointsTopic, String forecastsTopic, String anomaliesTopic, String dlqTopic,
                          String storeName, StoreType storeType, double intervalLevel, int maxGapSteps, int ringCapacity,
                          int coldSteps, AlertRule alertRule, Duration stateTtl, Duration ttlScanInterval,
                          Duration modelWait) {

    /** Where key states live: both are changelogged; in-memory had the better tail latency here (ENVIRONMENT.md). */
    public enum StoreType { IN_MEMORY, ROCKSDB }

    public ServingSpec {
        for (String t : new String[] {pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName}) {
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("topic and store names must be non-blank, got " + t);
            }
        }
        if (storeType == null || alertRule == null) {
            throw new IllegalArgumentException("store type and alert rule are required");
        }
        if (!(intervalLevel > 0 && intervalLevel < 1)) {
            throw new IllegalArgumentException("interval level must be in (0, 1), got " + intervalLevel);
        }
        if (maxGapSteps < 0 || ringCapacity < 1 || ringCapacity > 65_535 || coldSteps < 0) {
            throw new IllegalArgumentException("need max gap >= 0, ring capacity in 1..65535 and cold steps >= 0, got "
                    + maxGapSteps + ", " + ringCapacity + ", " + coldSteps);
        }
        if (stateTtl == null || stateTtl.isNegative() || stateTtl.isZero()) {
            throw new IllegalArgumentException("state TTL must be positive, got " + stateTtl);
        }
        if (ttlScanInterval == null || ttlScanInterval.toMillis() < 1) {
            throw new IllegalArgumentException("TTL scan interval must be at least 1 ms, got " + ttlScanInterval);
        }
        if (modelWait == null || modelWait.isNegative()) {
            throw new IllegalArgumentException("model wait must not be negative, got " + modelWait);
        }
    }

    /** The defaults documented on {@code ServingConfig}, with the default topic names. */
    public static ServingSpec defaults() {
        return new ServingSpec(org.forecaster.core.wire.Topics.POINTS, org.forecaster.core.wire.Topics.FORECASTS,
                org.forecaster.core.wire.Topics.ANOMALIES, org.forecaster.core.wire.Topics.DLQ, "key-state",
                StoreType.IN_MEMORY, 0.95, 288, 48, 24, AlertRule.DEFAULT, Duration.ofHours(48), Duration.ofMinutes(1),
                Duration.ofSeconds(30));
    }

    public ServingSpec withColdSteps(int steps) {
        return new ServingSpec(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, storeType, intervalLevel,
                maxGapSteps, ringCapacity, steps, alertRule, stateTtl, ttlScanInterval, modelWait);
    }

    public ServingSpec withAlertRule(AlertRule rule) {
        return new ServingSpec(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, storeType, intervalLevel,
                maxGapSteps, ringCapacity, coldSteps, rule, stateTtl, ttlScanInterval, modelWait);
    }

    public ServingSpec withTtl(Duration ttl, Duration scan) {
        return new ServingSpec(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, storeType, intervalLevel,
                maxGapSteps, ringCapacity, coldSteps, alertRule, ttl, scan, modelWait);
    }

    public ServingSpec withStoreType(StoreType type) {
        return new ServingSpec(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, type, intervalLevel,
                maxGapSteps, ringCapacity, coldSteps, alertRule, stateTtl, ttlScanInterval, modelWait);
    }
}
