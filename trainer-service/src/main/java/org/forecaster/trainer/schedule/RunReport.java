package org.forecaster.trainer.schedule;

import java.time.Instant;
import org.forecaster.trainer.evaluate.Scores;

/**
 * What one run did; {@code GET /api/v1/runs/last} returns it as JSON.
 *
 * @param runId             id returned by {@code POST /api/v1/train}
 * @param trigger           {@code schedule} or {@code api}
 * @param startedAt         the run's time from the injected clock
 * @param durationMillis    wall time the run took
 * @param outcome           PUBLISHED, WITHHELD or FAILED
 * @param reason            the decision's reason or the failure's cause
 * @param publishedVersion  version published, or null
 * @param productionVersion production version at the start, or null
 * @param seriesCount       series trained on (0 if none)
 * @param pointsRead        records read from the points topic
 * @param epochs            epochs run (0 if training did not finish)
 * @param bestValidationLoss best validation loss per target, NaN if unknown
 * @param candidate         candidate scores, or null
 * @param production        production scores, or null
 */
public record RunReport(String runId, String trigger, Instant startedAt, long durationMillis, Outcome outcome, String reason,
                        Long publishedVersion, Long productionVersion, int seriesCount, long pointsRead, int epochs,
                        double bestValidationLoss, Scores candidate, Scores production) {

    public enum Outcome { PUBLISHED, WITHHELD, FAILED }
}
