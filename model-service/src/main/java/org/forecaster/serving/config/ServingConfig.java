package org.forecaster.serving.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.forecaster.core.anomaly.AlertKinds;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.serving.topology.ServingSpec;

/** The model service's own settings ({@code forecast.serving.*}); Kafka and Kafka Streams settings live in their own prefixes. */
@ConfigMapping(prefix = "forecast.serving")
public interface ServingConfig {
    /** Which published models this service accepts ({@code forecast.serving.model.*}, issue 17). */
    ModelTrust model();

    interface ModelTrust {
        /**
         * Serve only models signed by one of {@link #trustedKeys}. On by default; off only for development and tests
         * that publish unsigned models.
         */
        @WithDefault("true")
        boolean requireSignature();

        /**
         * Ed25519 public keys trusted to sign models: key files (X.509 PEM or DER) or directories whose {@code *.pub}
         * files are read, comma-separated. List the old and the new key together while rotating.
         */
        Optional<List<Path>> trustedKeys();

        /** Most stacked layers a served model may have. */
        @WithDefault("4")
        int maxLayers();

        /** Largest hidden size a served model may have. */
        @WithDefault("1024")
        int maxHidden();

        /** Most forecast steps a served model may have. */
        @WithDefault("256")
        int maxHorizon();

        /** Most parameters a served model may have (4Mi float32: the trainer's 16 MiB file limit). */
        @WithDefault("4194304")
        long maxParameters();

        /** Largest amount by which a new version may exceed the serving one. */
        @WithDefault("1000000")
        long maxVersionJump();
    }

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

    /**
     * A point's anomaly score: {@code novelty} ({@code forecast detect}'s default score, by the same code, its state
     * kept per key) or {@code tail} (the one-step prediction's two-sided tail probability, the score before novelty).
     */
    @WithDefault("novelty")
    ServingSpec.Scorer scorer();

    /** The novelty score's settings ({@code NoveltyScore.Spec}; the defaults are {@code NoveltyScore.Spec.DEFAULT}, detect's). */
    Novelty novelty();

    /**
     * The season of the novelty score's seasonal reference ("same time one season ago"); used when the model's step
     * divides it and it fits the ring ({@code ring-capacity} steps), else there is none. 0: none.
     */
    @WithDefault("P1D")
    Duration season();

    /** Score (0..1) at or above which a point counts as anomalous; default 0.97 with novelty, 0.9999 with tail. */
    Optional<Double> alertThreshold();

    /** Consecutive anomalous points that open an alert; default 1 with novelty (a novelty is one point), 2 with tail. */
    Optional<Integer> alertOpenAfter();

    /** Consecutive normal points that resolve an open alert. */
    @WithDefault("3")
    int alertResolveAfter();

    /**
     * Points a key must have observed before it may open an alert; default 288 (a day of 5-minute points) with
     * novelty, whose ranges need a daily cycle first, and 0 with tail.
     */
    Optional<Integer> alertProbationPoints();

    /**
     * A score opens an alert only on a point this many one-step sigmas or more off its prediction; default 2 with
     * novelty (a trending or heavy-tailed series sets records the model expected), 0 with tail. 0: off.
     */
    Optional<Double> alertOpenMinSigmas();

    /** {@code forecast.serving.novelty.*}: detect's {@code --half-surprise}, {@code --seasonal-width}, ... */
    interface Novelty {
        /** Surprise {@code -ln P} that scores 0.5 in the tail part (ln 1e4: a 1e-4 tail). */
        @WithDefault("9.210340371976184")
        double halfSurprise();

        /** Spread of the seasonal reference in running mean absolute seasonal differences; 0: no seasonal reference. */
        @WithDefault("2")
        double seasonalWidth();

        /** Weight of the newest seasonal difference in that running mean. */
        @WithDefault("0.01")
        double seasonalAlpha();

        /** Points averaged for the level and seasonal-difference novelty signals. */
        @WithDefault("24")
        int meanRows();

        /** A signal is novel beyond its earlier range widened by this fraction of its width. */
        @WithDefault("0.05")
        double rangeTolerance();

        /** A novelty within this many points of the previous one scores 0.5 (an echo) instead of 1. */
        @WithDefault("50")
        int echoRows();

        /** The value's recent range shrinks by this fraction of its width per point; 0: no recent range. */
        @WithDefault("1e-4")
        double recentDecay();

        /** The value is novel beyond its recent range widened by this fraction of its width. */
        @WithDefault("0.3")
        double recentTolerance();

        /** No novelty on a point whose surprise under the prediction is below this (predicted almost exactly); 0: off. */
        @WithDefault("0.05")
        double minFlagSurprise();

        default NoveltyScore.Spec toSpec() {
            return new NoveltyScore.Spec(halfSurprise(), seasonalWidth(), seasonalAlpha(), meanRows(), rangeTolerance(),
                    echoRows(), recentDecay(), recentTolerance(), minFlagSurprise());
        }
    }

    /** {@code forecast.serving.alerts.*}: the kinds of change alerts detect and name ({@code AlertKinds.Spec.DEFAULT}). */
    Alerts alerts();

    /** The settings of core's {@code AlertKinds}; a 0 turns a kind off. */
    interface Alerts {
        /** Whether alerts detect and name kinds of change; false: alerts come from the score alone (reason {@code score}). */
        @WithDefault("true")
        boolean kinds();

        /** One-step error, in the key's typical errors, that starts a jump (a spike or a level shift); 0: off. */
        @WithDefault("8")
        double jumpZ();

        /** Points after a jump that decide it: all beyond half the jump is a level shift, back and calm a spike. */
        @WithDefault("3")
        int confirmSteps();

        /** One-step error, in typical errors, that counts as large for a variance burst. */
        @WithDefault("3")
        double burstZ();

        /** Points looked back over for a variance burst (1..16). */
        @WithDefault("12")
        int burstWindow();

        /** Large errors within that window that make a variance burst; 0: off. */
        @WithDefault("6")
        int burstCount();

        /** Time constant in points of the day-long level that a drift moves. */
        @WithDefault("288")
        int driftSteps();

        /** Time constant in points of the long-run level and of how far the day-long level normally is from it. */
        @WithDefault("2304")
        int driftBaselineSteps();

        /** A drift is the day-long level this many times as far from the long-run level as it normally is; 0: off. */
        @WithDefault("5")
        double driftZ();

        /** Equal values in a row that make a flatline (at least twice the key's longest recent run too); 0: off. */
        @WithDefault("12")
        int flatlineSteps();

        /** A key flatlines only if at most this share of its recent steps repeated the previous value. */
        @WithDefault("0.1")
        double flatlineMaxRepeatShare();

        /** Steps (of the model's step) without a point, by wall clock and by the task's newest point, that make a key silent; 0: off. */
        @WithDefault("5")
        int silentSteps();

        /** Allowance per point of the level-shift and drift CUSUM on the one-step errors, in typical errors. */
        @WithDefault("2")
        double shiftK();

        /** Sum of errors beyond the allowance, of one sign, that makes a level shift (within 12 points) or a drift; 0: off. */
        @WithDefault("10")
        double shiftH();

        default AlertKinds.Spec toSpec() {
            return kinds() ? new AlertKinds.Spec(jumpZ(), confirmSteps(), burstZ(), burstWindow(), burstCount(), driftSteps(),
                    driftBaselineSteps(), driftZ(), flatlineSteps(), flatlineMaxRepeatShare(), silentSteps(), shiftK(), shiftH()) : null;
        }
    }

    /** Keys not seen (wall clock) for this long are deleted from the store. */
    @WithDefault("48h")
    Duration stateTtl();

    /** How often the store is scanned for idle keys (also refreshes the key gauges). */
    @WithDefault("1m")
    Duration ttlScanInterval();

    /**
     * Whether Kafka Streams starts only once a valid model is served (issue 17): until then the instance stays out of
     * the consumer group instead of taking partitions it cannot forecast. Off only where a test publishes its model
     * after start-up.
     */
    @WithDefault("true")
    boolean awaitModelBeforeStart();

    /**
     * How long SIGTERM waits for Kafka Streams to close (commit, flush, leave) before the service exits anyway, with
     * status 3 and its transaction abandoned: keeps a pod whose broker is unreachable from hanging until SIGKILL.
     */
    @WithDefault("PT10S")
    Duration streamsCloseTimeout();

    /** How long a stream thread waits for a first model before it fails and is replaced (points are not lost). */
    @WithDefault("30s")
    Duration modelWait();

    /**
     * Most points the processor gathers before it steps their keys together through the batched kernels (issue 18);
     * a repeated key, the wait below and every commit end a batch sooner. 1 (the default) steps each point as it comes:
     * see application.properties for why batching is off.
     */
    @WithName("batch.max-points")
    @WithDefault("1")
    int batchMaxPoints();

    /** Longest (wall clock) a gathered point waits for its batch to fill. */
    @WithName("batch.max-wait")
    @WithDefault("5ms")
    Duration batchMaxWait();

    /** Series names kept in memory for the series list of the REST API and the dashboard (forecasts are read from the store). */
    @WithDefault("10000")
    int liveSeries();

    /** Most concurrent SSE clients of {@code /api/v1/stream} on this instance; one more gets 503 (issue 17). */
    @WithDefault("100")
    int maxSseSubscribers();

    /**
     * Host other instances and redirected clients reach this one at, for interactive queries: with
     * {@code quarkus.http.port} it makes {@code quarkus.kafka-streams.application-server}. The pod IP on Kubernetes.
     */
    @WithDefault("localhost")
    String advertisedHost();

    /**
     * Static group membership (issue 21): this instance's stable {@code group.instance.id}, the StatefulSet pod name
     * on Kubernetes ({@code metadata.name}); Kafka Streams appends {@code -<thread>} per stream thread. A restarted
     * instance with the same id takes its tasks back without a rebalance if it rejoins within the session timeout.
     * Unset (the default, and wherever names are not stable, e.g. a Deployment's pods): dynamic membership. Never
     * derive it from {@code HOSTNAME} of a Deployment: a new name per restart leaves a ghost member until its session
     * expires.
     */
    Optional<String> groupInstanceId();

    default ServingSpec toSpec() {
        AlertRule defaults = scorer().defaultAlertRule();
        AlertRule alerts = new AlertRule(alertThreshold().orElse(defaults.threshold()),
                alertOpenAfter().orElse(defaults.openAfter()), alertResolveAfter(),
                alertProbationPoints().orElse(defaults.probationPoints()),
                alertOpenMinSigmas().orElse(defaults.openMinSigmas()));
        return new ServingSpec(pointsTopic(), forecastsTopic(), anomaliesTopic(), dlqTopic(), storeName(), storeType(),
                intervalLevel(), maxGapSteps(), ringCapacity(), coldSteps(), scorer(), novelty().toSpec(), season(), alerts,
                stateTtl(), ttlScanInterval(), modelWait(), alerts().toSpec(), batchMaxPoints(), batchMaxWait());
    }
}
