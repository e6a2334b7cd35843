package org.forecaster.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything the trainer reads from {@code application.properties} under {@code forecast.trainer}. Each key's
 * default lives here and only here; {@link TrainerSettings#from} turns it into core's records.
 */
@ConfigMapping(prefix = "forecast.trainer")
public interface TrainerConfig {

    /** How often a scheduled run starts (Quarkus {@code every} syntax, e.g. {@code 1h}; {@code off} disables). */
    @WithDefault("1h")
    String interval();

    /** Model name: the key of the published weights on the weights topic. */
    @WithDefault("global")
    String modelName();

    /** Topic the history is read from. */
    @WithDefault("telemetry.points")
    String pointsTopic();

    /** Compacted topic the production model is read from (the outgoing {@code weights} channel writes it too). */
    @WithDefault("model.weights")
    String weightsTopic();

    /** How far back, by record timestamp, a run reads the history. */
    @WithDefault("P7D")
    Duration lookBack();

    /** The series step (ingest window) the points lie on; points are placed on this grid, gaps become NaN. */
    @WithDefault("PT1M")
    Duration step();

    /** At most this many series train a run (chosen by a seeded hash of the series id). */
    @WithDefault("2000")
    int maxSeries();

    /** At most this many grid steps per series (the most recent ones). */
    @WithDefault("5000")
    int maxPointsPerSeries();

    /** Series with fewer grid steps than this are left out. */
    @WithDefault("100")
    int minPointsPerSeries();

    /** How long one read of a topic (history or weights) may take before the run fails. */
    @WithDefault("PT2M")
    Duration readTimeout();

    /** How long a publication may wait for the broker's acknowledgement. */
    @WithDefault("PT30S")
    Duration publishTimeout();

    /** Largest weights record the trainer sends, bytes; keep it at most the producer's max.request.size and the topic's max.message.bytes. */
    @WithDefault("16777216")
    int maxModelBytes();

    /** Model architecture. */
    ModelConfig model();

    /** Optimisation. */
    TrainingConfig training();

    /** Champion/challenger. */
    EvaluationConfig evaluation();

    /** One more key of the {@code operate} scope besides {@code forecast.security.operate-keys-file}'s (FORECAST_TRAINER_API_KEY). */
    Optional<String> apiKey();

    /** Signing of published models ({@code forecast.trainer.signing.*}, issue 17). */
    Signing signing();

    interface Signing {
        /**
         * The Ed25519 private key (PKCS#8 PEM or DER) that signs every published model; on Kubernetes a mounted
         * Secret. Its public key must lie next to it ({@code x.key -> x.pub}) unless {@link #publicKeyFile} is set.
         */
        Optional<Path> privateKeyFile();

        /** The private key's public key, whose fingerprint is the key id sent with each signature. */
        Optional<Path> publicKeyFile();

        /**
         * Public keys (files, or directories of {@code *.pub}) whose signatures make a record on the weights topic
         * count as production; unset, the signing key's own public key. List old and new while rotating.
         */
        Optional<List<Path>> trustedKeys();

        /** Refuse to start without a signing key. On by default; off only for development and tests. */
        @WithDefault("true")
        boolean required();
    }

    /** The acceptance rules the trainer applies before publishing: the model service's, with the same defaults. */
    Acceptance acceptance();

    interface Acceptance {
        /** Most stacked layers a published model may have. */
        @WithDefault("4")
        int maxLayers();

        /** Largest hidden size a published model may have. */
        @WithDefault("1024")
        int maxHidden();

        /** Most forecast steps a published model may have. */
        @WithDefault("256")
        int maxHorizon();

        /** Most parameters a published model may have. */
        @WithDefault("4194304")
        long maxParameters();

        /** Largest amount by which a new version may exceed the highest one on the topic. */
        @WithDefault("1000000")
        long maxVersionJump();
    }

    interface ModelConfig {
        /** Recurrent cell: LSTM, GRU or PEEPHOLE_LSTM. */
        @WithDefault("LSTM")
        String cell();

        /** Stacked recurrent layers. */
        @WithDefault("1")
        int layers();

        /** Hidden size H. */
        @WithDefault("32")
        int hidden();

        /** Forecast horizon K, in steps. */
        @WithDefault("1")
        int horizon();

        /**
         * Seasonal profile (issue 15): per key a smoothed level and this many seasonal indices over {@code profile-season},
         * by time of day, whose forecast the means are residual over and whose next-step forecast is an extra input;
         * 41 + 2 * bins bytes of key state (144 bins: 329; a key at hidden 64 stores 1,536 in all). 0: no profile
         * (the means are residual over the last value).
         */
        @WithDefault("144")
        int profileBins();

        /** Season of the profile (used when {@code profile-bins} is positive). */
        @WithDefault("P1D")
        Duration profileSeason();
    }

    interface TrainingConfig {
        /** TBPTT: steps between parameter updates. */
        @WithDefault("48")
        int k1();

        /** TBPTT: steps backpropagated per update (at least k1). */
        @WithDefault("48")
        int k2();

        /**
         * TBPTT: WILLIAMS_PENG (the last k1 losses backpropagate together through the last k2 steps) or PER_LOSS (the
         * seed notes' definition: each loss through the k2 steps before it, k1 times the backward work).
         */
        @WithDefault("WILLIAMS_PENG")
        org.forecaster.core.train.Truncation truncation();

        /** Optimizer: sgd, momentum, nesterov or adam. */
        @WithDefault("adam")
        String optimizer();

        /** Initial learning rate. */
        @WithDefault("0.003")
        double learningRate();

        /** Learning-rate schedule: constant, step, exponential or inverse-time. */
        @WithDefault("constant")
        String schedule();

        /** Schedule parameter: decay k (exponential, inverse-time) or gamma (step). */
        @WithDefault("0.5")
        double scheduleDecay();

        /** Step schedule: updates between decays. */
        @WithDefault("1000")
        long scheduleEvery();

        /** Maximum global gradient norm. */
        @WithDefault("100")
        double clipNorm();

        /** Maximum epochs. */
        @WithDefault("40")
        int epochs();

        /** Early stopping: epochs without a better validation loss (15: slow starters take off after 10-15 epochs). */
        @WithDefault("15")
        int patience();

        /** Series per mini-batch. */
        @WithDefault("32")
        int batchSize();

        /** Seed of initialisation and series order. */
        @WithDefault("42")
        long seed();

        /** Start from the production model's weights when its architecture matches (else from a seeded init). */
        @WithDefault("true")
        boolean fineTune();
    }

    interface EvaluationConfig {
        /** Publish only if the candidate's relative one-step MAE is below production's times (1 - margin). */
        @WithDefault("0.02")
        double margin();

        /** Season of the seasonal-naive baseline, in steps (the relative MAE divides by its error). */
        @WithDefault("24")
        int seasonSteps();

        /** Central probability of the forecast interval whose coverage is reported and gated. */
        @WithDefault("0.95")
        double intervalLevel();

        /** Steps ahead at which the candidate's MASE must beat every gate baseline (those beyond the model's K are skipped); must include 1. */
        @WithDefault("1,3,6,12")
        List<Integer> gateHorizons();

        /** Baselines the candidate must beat at every gate horizon (naive, seasonal-naive, holt-winters); {@code none} switches the baseline gate off (not recommended). */
        @WithDefault("naive,seasonal-naive,holt-winters")
        List<String> gateBaselines();

        /** How far the h=1 interval coverage may fall below interval-level before the candidate is withheld (1 switches the check off). */
        @WithDefault("0.05")
        double coverageTolerance();
    }
}
