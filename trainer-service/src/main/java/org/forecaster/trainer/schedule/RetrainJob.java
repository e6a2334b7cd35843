package org.forecaster.trainer.schedule;

import io.quarkus.logging.Log;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.model.IntervalShape;
import org.forecaster.core.modelio.ModelAcceptance;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelHeader;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.modelio.ModelSignature;
import org.forecaster.core.modelio.ModelSigner;
import org.forecaster.core.modelio.ModelWriter;
import org.forecaster.core.train.NonFiniteLossException;
import org.forecaster.core.train.TrainConfig;
import org.forecaster.core.train.TrainResult;
import org.forecaster.core.wire.WireJson;
import org.forecaster.trainer.config.TrainerSettings;
import org.forecaster.trainer.data.History;
import org.forecaster.trainer.data.HistorySource;
import org.forecaster.trainer.data.SeriesAssembler;
import org.forecaster.trainer.evaluate.Decision;
import org.forecaster.trainer.evaluate.EvaluationRecord;
import org.forecaster.trainer.evaluate.Evaluator;
import org.forecaster.trainer.evaluate.Scores;
import org.forecaster.trainer.publish.ModelPublisher;
import org.forecaster.trainer.publish.ModelRegistry;
import org.forecaster.trainer.publish.ProductionModel;
import org.forecaster.trainer.schedule.RunReport.Outcome;

/**
 * One retraining run, start to end, with no framework: read the production model and the history, train a
 * candidate, score candidate and production on the same held-back slice, decide, and publish the weights
 * (if better) and the decision. Every run ends in a {@link RunReport} recorded in {@link RunStats}; a failure
 * (no data, non-finite loss, unreadable topic, refused publication) is logged once with its cause and
 * never leaves a partial model behind: the weights are encoded in full and read back with
 * {@link ModelReader} before the one send. A candidate that breaks the model service's {@link ModelAcceptance}
 * rules (too large, a version that would pass {@link ModelAcceptance#MAX_VERSION}) is withheld and counted by
 * reason, and every published model is signed with the configured key.
 *
 * <p>Not thread-safe: {@link TrainingRunner} runs at most one at a time on its own thread.
 */
public final class RetrainJob {
    private final TrainerSettings settings;
    private final HistorySource history;
    private final ModelRegistry registry;
    private final ModelPublisher publisher;
    private final Training training;
    private final Kernels kernels;
    private final RunStats stats;
    private final ModelSigner signer;
    private final ModelAcceptance acceptance;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param signer     signs each published model; null publishes unsigned (development only)
     * @param acceptance the rules a candidate must pass to be published, the model service's
     */
    public RetrainJob(TrainerSettings settings, HistorySource history, ModelRegistry registry, ModelPublisher publisher,
                      Training training, Kernels kernels, RunStats stats, ModelSigner signer, ModelAcceptance acceptance) {
        this.signer = signer;
        this.acceptance = acceptance;
        this.settings = settings;
        this.history = history;
        this.registry = registry;
        this.publisher = publisher;
        this.training = training;
        this.kernels = kernels;
        this.stats = stats;
    }

    public TrainerSettings settings() {
        return settings;
    }

    /** A scheduled run with the configured settings. */
    public RunReport run(Instant now) {
        return run("run-" + now.toEpochMilli() + "-" + sequence.incrementAndGet(), "schedule", now, settings);
    }

    /** A run with the given id, trigger label and settings (e.g. a triggered run's overrides). */
    public RunReport run(String runId, String trigger, Instant now, TrainerSettings s) {
        long started = System.nanoTime();
        Attempt a = new Attempt(runId, trigger, now);
        RunReport report;
        try {
            report = attempt(a, s, started);
        } catch (NonFiniteLossException e) {
            report = a.failed("training diverged: " + e.getMessage(), started);
            Log.warnf(e, "run %s failed: training diverged; nothing published, retrying at the next schedule", runId);
        } catch (RuntimeException e) {
            report = a.failed(e.getClass().getSimpleName() + ": " + e.getMessage(), started);
            Log.errorf(e, "run %s failed; nothing published, retrying at the next schedule", runId);
        }
        stats.record(report);
        return report;
    }

    private RunReport attempt(Attempt a, TrainerSettings s, long started) {
        TrainConfig config = s.train();
        ProductionModel production = registry.production(s.modelName());
        a.productionVersion = production.version();
        History data = history.read(a.now, s.lookBack(),
                new SeriesAssembler(s.stepMillis(), s.maxSeries(), s.maxPoints(), s.minPoints(), config.seed()));
        a.pointsRead = data.pointsRead();
        a.seriesCount = data.series().size();
        if (data.isEmpty()) {
            RunReport r = a.failed("no data: " + data.pointsRead() + " points in the last " + s.lookBack()
                    + " gave no series of at least " + s.minPoints() + " steps", started);
            Log.warnf("run %s failed: %s", a.runId, r.reason());
            return r;
        }

        ModelFile prod = production.model();
        boolean sameShape = prod != null && prod.header().spec().equals(config.spec())
                && prod.header().normalizer().equals(config.normalizer()) && prod.header().stepMillis() == s.stepMillis();
        boolean fineTuned = s.fineTune() && sameShape;
        Log.infof("run %s: %d series (%d points read, %s to %s), production v%s, %s", a.runId, data.series().size(),
                data.pointsRead(), data.from(), data.to(), production.version(),
                fineTuned ? "fine-tuning it" : "training from scratch");
        TrainResult result = training.train(config, data.series(), fineTuned ? prod.parameters() : null);
        a.epochs = result.epochs();
        a.bestValidation = result.bestValidation();

        Evaluator evaluator = new Evaluator(config, s.seasonSteps(), s.intervalLevel(), s.gate().horizons(), kernels);
        IntervalShape shape = evaluator.fitShape(config.spec(), config.normalizer(), result.parameters(), data.series());
        Scores candidate = evaluator.score(config.spec(), config.normalizer(), result.parameters(), shape, data.series());
        Scores current = prod == null ? null
                : evaluator.score(prod.header().spec(), prod.header().normalizer(), prod.parameters(),
                        prod.header().intervalShape(), data.series());
        a.candidate = candidate;
        a.production = current;
        Decision decision = Decision.decide(candidate, current, s.margin(), s.force(), s.gate(), s.intervalLevel());

        Map<String, String> lineageConfig = lineage(s, fineTuned, production);
        Map<String, Double> trainingFigures = trainingFigures(result);
        Long published = null;
        boolean publish = decision.publish();
        String reason = decision.reason();
        ModelAcceptance.Rejection refused = publish ? nextVersionRefusal(s.modelName(), production) : null;
        if (refused == null && publish) {
            long version = production.highestVersion() + 1; // cannot overflow: nextVersionRefusal checked the ceiling
            Map<String, Double> metrics = new LinkedHashMap<>(candidate.asMetrics());
            shape.putInto(metrics);
            trainingFigures.forEach((k, v) -> {
                if (Double.isFinite(v)) {
                    metrics.put(k, v);
                }
            });
            ModelHeader header = new ModelHeader(s.modelName(), version, production.version(), config.spec(),
                    config.normalizer(), s.stepMillis(), data.from(), data.to(), data.series().size(), config.seed(),
                    metrics, lineageConfig, a.now);
            refused = acceptance.check(s.modelName(), header,
                    production.highestVersion() == 0 ? null : production.highestVersion());
            if (refused == null) {
                byte[] bytes = encodeAndVerify(new ModelFile(header, result.parameters()), s.maxModelBytes());
                ModelSignature signature = signer == null ? null : signer.sign(bytes);
                publisher.publishWeights(s.modelName(), bytes, signature);
                published = version;
                Log.infof("run %s: published %s v%d (%d bytes, parent v%s, %s): %s", a.runId, s.modelName(), version,
                        bytes.length, production.version(), signature == null ? "unsigned" : "signed by key " + signature.keyId(),
                        decision.reason());
            }
        }
        if (refused != null) {
            publish = false;
            reason = "refused by the acceptance rules (" + refused.reason() + "): " + refused.message();
            stats.refused(refused.reason());
            Log.warnf("run %s: not publishing the better candidate: %s", a.runId, reason);
        } else if (!publish) {
            Log.infof("run %s: withheld the candidate: %s", a.runId, reason);
        }
        EvaluationRecord record = new EvaluationRecord(a.runId, s.modelName(),
                publish ? Outcome.PUBLISHED.name() : Outcome.WITHHELD.name(), reason, published,
                production.version(), s.margin(), candidate, current, data.series().size(), data.from(), data.to(),
                trainingFigures, lineageConfig, a.now);
        publisher.publishEvaluation(s.modelName(), WireJson.write(record));
        return new RunReport(a.runId, a.trigger, a.now, elapsedMillis(started),
                publish ? Outcome.PUBLISHED : Outcome.WITHHELD, reason, published,
                production.version(), a.seriesCount, a.pointsRead, a.epochs, a.bestValidation, candidate, current);
    }

    /** A refusal when the next version would pass the ceiling (so highest + 1 never overflows), else null. */
    private static ModelAcceptance.Rejection nextVersionRefusal(String modelName, ProductionModel production) {
        if (production.highestVersion() >= ModelAcceptance.MAX_VERSION) {
            return new ModelAcceptance.Rejection("version-too-high", "model " + modelName + ": the highest version on the topic, v"
                    + production.highestVersion() + ", leaves no next version at or below " + ModelAcceptance.MAX_VERSION);
        }
        return null;
    }

    /**
     * The complete encoded file, checked by decoding it again with the reader every consumer uses, and against
     * the size limit: a model that would not survive the topic is never sent.
     */
    static byte[] encodeAndVerify(ModelFile file, int maxBytes) {
        long size = ModelWriter.encodedLength(file);
        if (size > maxBytes) {
            throw new IllegalStateException("model " + file + " encodes to " + size + " bytes, above the limit of "
                    + maxBytes + " (forecast.trainer.max-model-bytes, the producer's max.request.size and the topic's max.message.bytes)");
        }
        byte[] bytes = ModelWriter.write(file);
        ModelFile back = ModelReader.read(bytes);
        if (!back.equals(file)) {
            throw new IllegalStateException("model " + file + " does not read back equal to what was written");
        }
        return bytes;
    }

    private Map<String, String> lineage(TrainerSettings s, boolean fineTuned, ProductionModel production) {
        Map<String, String> m = new LinkedHashMap<>(s.train().describe());
        m.put("mode", fineTuned ? "fine-tune" : "scratch");
        if (fineTuned) {
            m.put("initialVersion", Long.toString(production.version()));
        }
        m.put("lookBack", s.lookBack().toString());
        m.put("maxSeries", Integer.toString(s.maxSeries()));
        m.put("maxPointsPerSeries", Integer.toString(s.maxPoints()));
        m.put("minPointsPerSeries", Integer.toString(s.minPoints()));
        m.put("margin", Double.toString(s.margin()));
        m.put("seasonSteps", Integer.toString(s.seasonSteps()));
        m.put("intervalLevel", Double.toString(s.intervalLevel()));
        m.put("gateHorizons", s.gate().horizons().toString());
        m.put("gateBaselines", s.gate().baselines().toString());
        m.put("coverageTolerance", Double.toString(s.gate().coverageTolerance()));
        m.put("kernels", kernels.getClass().getSimpleName());
        return m;
    }

    private static Map<String, Double> trainingFigures(TrainResult r) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train.epochs", (double) r.epochs());
        m.put("train.updates", (double) r.updates());
        m.put("val.loss", r.bestValidation());
        List<Double> losses = r.trainLoss();
        m.put("train.loss", losses.isEmpty() ? Double.NaN : losses.getLast());
        m.values().removeIf(v -> !Double.isFinite(v)); // header metrics must be finite
        return m;
    }

    private static long elapsedMillis(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    /** What a run knew when it stopped, so a failure report says as much as it can. */
    private static final class Attempt {
        final String runId, trigger;
        final Instant now;
        Long productionVersion;
        int seriesCount, epochs;
        long pointsRead;
        double bestValidation = Double.NaN;
        Scores candidate, production;

        Attempt(String runId, String trigger, Instant now) {
            this.runId = runId;
            this.trigger = trigger;
            this.now = now;
        }

        RunReport failed(String reason, long started) {
            return new RunReport(runId, trigger, now, elapsedMillis(started), Outcome.FAILED, reason, null, productionVersion,
                    seriesCount, pointsRead, epochs, bestValidation, candidate, production);
        }
    }
}
