package org.forecaster.serving.topology;

import java.time.Duration;
import org.forecaster.core.anomaly.AlertKinds;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.online.ScoredStep;
import org.forecaster.core.online.PointStep;
import org.forecaster.core.wire.Topics;
import org.forecaster.serving.weights.LoadedModel;

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
 * @param scorer          what a point's anomaly score is: detect's {@link NoveltyScore} or the Stepper's tail probability
 * @param novelty         the novelty score's settings (used with {@link Scorer#NOVELTY})
 * @param season          the season of the novelty score's seasonal reference; it applies to a model whose step divides
 *                        it and whose season in steps fits the ring ({@link ScoredStep#seasonSteps}), 0 for none
 * @param alertRule       anomaly threshold and the OPEN/RESOLVED runs
 * @param stateTtl        keys not seen (wall clock) for this long are deleted from the store
 * @param ttlScanInterval how often (wall clock) the store is scanned for idle keys
 * @param modelWait       how long a stream thread waits for a first model before failing (and being replaced)
 * @param alertKinds      the alert kinds' settings ({@link AlertKinds}: spike, level shift, variance burst, drift,
 *                        flatline, silent), each key's detectors kept in its state; null: alerts from the score alone
 * @param batchMaxPoints  most points the processor gathers before stepping their keys together (issue 18); 1 steps
 *                        each point as it comes
 * @param batchMaxWait    longest (wall clock) a gathered point waits for its batch to fill; every commit flushes too
 */
public record ServingSpec(String pointsTopic, String forecastsTopic, String anomaliesTopic, String dlqTopic,
                          String storeName, StoreType storeType, double intervalLevel, int maxGapSteps, int ringCapacity,
                          int coldSteps, Scorer scorer, NoveltyScore.Spec novelty, Duration season, AlertRule alertRule,
                          Duration stateTtl, Duration ttlScanInterval, Duration modelWait, AlertKinds.Spec alertKinds,
                          int batchMaxPoints, Duration batchMaxWait) {
    /**
     * Default of {@link #batchMaxPoints}: off (each point stepped as it comes), as the service's configuration, since
     * the batched step ran ~20x slower per point in 4 of 9 benchmark runs (issue 18). {@link #BATCH_MAX_POINTS_WHEN_ON}
     * is the size to gather when batching is turned on.
     */
    public static final int DEFAULT_BATCH_MAX_POINTS = 1;
    /** A poll's worth at the service's rates, within L2 for H = 64 batch buffers. */
    public static final int BATCH_MAX_POINTS_WHEN_ON = 64;
    /** Default of {@link #batchMaxWait}: well inside the 50 ms commit interval that bounds a point's latency anyway. */
    public static final Duration DEFAULT_BATCH_MAX_WAIT = Duration.ofMillis(5);

    /** A spec with the default batching. */
    public ServingSpec(String pointsTopic, String forecastsTopic, String anomaliesTopic, String dlqTopic,
                       String storeName, StoreType storeType, double intervalLevel, int maxGapSteps, int ringCapacity,
                       int coldSteps, Scorer scorer, NoveltyScore.Spec novelty, Duration season, AlertRule alertRule,
                       Duration stateTtl, Duration ttlScanInterval, Duration modelWait, AlertKinds.Spec alertKinds) {
        this(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, storeType, intervalLevel, maxGapSteps,
                ringCapacity, coldSteps, scorer, novelty, season, alertRule, stateTtl, ttlScanInterval, modelWait, alertKinds,
                DEFAULT_BATCH_MAX_POINTS, DEFAULT_BATCH_MAX_WAIT);
    }

    /**
     * Where key states live: both are changelogged; in-memory had the better tail latency on a 2-core machine
     * (p99 149 ms against RocksDB's 3.3 s at half load).
     */
    public enum StoreType { IN_MEMORY, ROCKSDB }

    /**
     * A point's anomaly score. {@code NOVELTY}: {@code forecast detect}'s default score, through the same code
     * ({@link ScoredStep} with a {@link NoveltyScore} per key, its state in the key's state). {@code TAIL}: the
     * Stepper's two-sided tail probability {@code 1 - P(|Z| >= |z|)} of the point under the one-step prediction,
     * without state (the service's score before NOVELTY; not detect's {@code --scorer tail}).
     */
    public enum Scorer {
        NOVELTY, TAIL;

        /**
         * The alert rule that suits the score. Tail: 0.9999 (a two-sided 1e-4 tail) held for 2 points. Novelty: a
         * novelty scores 1 on a single point, so one point at 0.97 opens (0.97 is where NAB's standard profile puts
         * the threshold for detect's scores: every novelty, and tail scores of a surprise above about 300); an echo
         * (0.5) counts as quiet. Both resolve after 3 quiet points.
         */
        public AlertRule defaultAlertRule() {
            return this == NOVELTY ? AlertRule.NOVELTY_DEFAULT : AlertRule.DEFAULT;
        }
    }

    public ServingSpec {
        for (String t : new String[] {pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName}) {
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("topic and store names must be non-blank, got " + t);
            }
        }
        if (storeType == null || alertRule == null || scorer == null || novelty == null) {
            throw new IllegalArgumentException("store type, scorer, novelty settings and alert rule are required");
        }
        if (season == null || season.isNegative()) {
            throw new IllegalArgumentException("season must not be negative, got " + season);
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
        if (batchMaxPoints < 1 || batchMaxPoints > 4096) {
            throw new IllegalArgumentException("batch max points must be in 1..4096, got " + batchMaxPoints);
        }
        if (batchMaxWait == null || batchMaxWait.toMillis() < 1) {
            throw new IllegalArgumentException("batch max wait must be at least 1 ms, got " + batchMaxWait);
        }
    }

    /** The defaults documented on {@code ServingConfig}, with the default topic names. */
    public static ServingSpec defaults() {
        return new ServingSpec(Topics.POINTS, Topics.FORECASTS, Topics.ANOMALIES, Topics.DLQ, "key-state", StoreType.IN_MEMORY,
                0.95, 288, 48, 24, Scorer.NOVELTY, NoveltyScore.Spec.DEFAULT, Duration.ofDays(1),
                Scorer.NOVELTY.defaultAlertRule(), Duration.ofHours(48), Duration.ofMinutes(1), Duration.ofSeconds(30),
                AlertKinds.Spec.DEFAULT);
    }

    /** The rules of core's per-point step that this spec configures. */
    public PointStep.Rules stepRules() {
        return new PointStep.Rules(intervalLevel, maxGapSteps, ringCapacity, coldSteps, season.toMillis(), keyNovelty(), alertRule,
                alertKinds);
    }

    /** The per-point step for {@code model} under this spec: one per thread (scratch buffers). */
    public PointStep pointStep(LoadedModel model) {
        return new PointStep(model.forecaster(), model.header().normalizer(), model.header().stepMillis(), model.version(),
                stepRules(), model.header().intervalShape());
    }

    /** The season in steps for a model of step {@code stepMillis}; 0 when it has none (see {@code season}). */
    public int seasonSteps(long stepMillis) {
        return ScoredStep.seasonSteps(season.toMillis(), stepMillis, ringCapacity);
    }

    public ServingSpec withColdSteps(int steps) {
        return new ServingSpec(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, storeType, intervalLevel,
                maxGapSteps, ringCapacity, steps, scorer, novelty, season, alertRule, stateTtl, ttlScanInterval, modelWait, alertKinds, batchMaxPoints, batchMaxWait);
    }

    public ServingSpec withRingCapacity(int capacity) {
        return new ServingSpec(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, storeType, intervalLevel,
                maxGapSteps, capacity, coldSteps, scorer, novelty, season, alertRule, stateTtl, ttlScanInterval, modelWait, alertKinds, batchMaxPoints, batchMaxWait);
    }

    /** This spec scoring by {@code s}, with that score's {@linkplain Scorer#defaultAlertRule default alert rule}. */
    public ServingSpec withScorer(Scorer s) {
        return new ServingSpec(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, storeType, intervalLevel,
                maxGapSteps, ringCapacity, coldSteps, s, novelty, season, s.defaultAlertRule(), stateTtl, ttlScanInterval,
                modelWait, alertKinds, batchMaxPoints, batchMaxWait);
    }

    public ServingSpec withAlertRule(AlertRule rule) {
        return new ServingSpec(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, storeType, intervalLevel,
                maxGapSteps, ringCapacity, coldSteps, scorer, novelty, season, rule, stateTtl, ttlScanInterval, modelWait, alertKinds, batchMaxPoints, batchMaxWait);
    }

    public ServingSpec withTtl(Duration ttl, Duration scan) {
        return new ServingSpec(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, storeType, intervalLevel,
                maxGapSteps, ringCapacity, coldSteps, scorer, novelty, season, alertRule, ttl, scan, modelWait, alertKinds, batchMaxPoints, batchMaxWait);
    }

    public ServingSpec withStoreType(StoreType type) {
        return new ServingSpec(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, type, intervalLevel,
                maxGapSteps, ringCapacity, coldSteps, scorer, novelty, season, alertRule, stateTtl, ttlScanInterval, modelWait, alertKinds, batchMaxPoints, batchMaxWait);
    }

    public ServingSpec withAlertKinds(AlertKinds.Spec kinds) {
        return new ServingSpec(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, storeType, intervalLevel,
                maxGapSteps, ringCapacity, coldSteps, scorer, novelty, season, alertRule, stateTtl, ttlScanInterval, modelWait,
                kinds, batchMaxPoints, batchMaxWait);
    }

    /** This spec gathering up to {@code maxPoints} points, each waiting at most {@code maxWait}, per batch. */
    public ServingSpec withBatch(int maxPoints, Duration maxWait) {
        return new ServingSpec(pointsTopic, forecastsTopic, anomaliesTopic, dlqTopic, storeName, storeType, intervalLevel,
                maxGapSteps, ringCapacity, coldSteps, scorer, novelty, season, alertRule, stateTtl, ttlScanInterval, modelWait,
                alertKinds, maxPoints, maxWait);
    }

    /** The novelty settings of the key states: {@link #novelty} when scoring by novelty, else null (none kept). */
    public NoveltyScore.Spec keyNovelty() {
        return scorer == Scorer.NOVELTY ? novelty : null;
    }
}
