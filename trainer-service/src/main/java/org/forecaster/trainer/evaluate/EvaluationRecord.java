package org.forecaster.trainer.evaluate;

import java.time.Instant;
import java.util.Map;

/**
 * One champion/challenger decision as published on {@code model.evaluations} (JSON, keyed by model name).
 *
 * @param runId             the run that decided
 * @param model             model name
 * @param decision          {@code PUBLISHED} or {@code WITHHELD}
 * @param reason            why, with the figures
 * @param candidateVersion  the version the candidate was published as, or null when withheld
 * @param productionVersion the production version it was compared with, or null when there was none
 * @param margin            the relative improvement required
 * @param candidate         the candidate's scores on the test slice
 * @param production        production's scores on the same slice, or null
 * @param seriesCount       series trained and scored on
 * @param trainedFrom       start of the history, inclusive
 * @param trainedTo         end of the history, exclusive
 * @param training          epochs, updates, best validation loss, last training loss
 * @param config            the training configuration (as in the model header)
 * @param decidedAt         the run's time (the injected clock)
 */
public record EvaluationRecord(String runId, String model, String decision, String reason, Long candidateVersion,
                               Long productionVersion, double margin, Scores candidate, Scores production,
                               int seriesCount, Instant trainedFrom, Instant trainedTo, Map<String, Double> training,
                               Map<String, String> config, Instant decidedAt) {}
