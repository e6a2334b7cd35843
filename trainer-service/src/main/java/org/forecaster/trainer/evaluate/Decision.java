package org.forecaster.trainer.evaluate;

/**
 * The champion/challenger rule: the candidate replaces production only if its relative one-step MAE is
 * below {@code production * (1 - margin)}; with no production model (or one that cannot be scored) any
 * candidate with a finite score is published. An operator may force one run's candidate through (it must still
 * be scorable); the reason says so.
 *
 * @param publish whether to publish the candidate
 * @param reason  one sentence with the figures, for the evaluation record and the log
 */
public record Decision(boolean publish, String reason) {

    public static Decision decide(Scores candidate, Scores production, double margin, boolean force) {
        if (!Double.isFinite(candidate.relativeMae())) {
            return new Decision(false, "candidate could not be scored on the test range (" + candidate.points() + " points)");
        }
        if (force) {
            return new Decision(true, String.format("published on request (force): candidate relative MAE %.4f, production %s",
                    candidate.relativeMae(), production == null ? "none" : String.format("%.4f", production.relativeMae())));
        }
        if (production == null) {
            return new Decision(true, "no production model");
        }
        if (!Double.isFinite(production.relativeMae())) {
            return new Decision(true, "production model could not be scored on the test range");
        }
        double threshold = production.relativeMae() * (1 - margin);
        if (candidate.relativeMae() < threshold) {
            return new Decision(true, String.format("candidate relative MAE %.4f beats production %.4f by more than %.1f%%",
                    candidate.relativeMae(), production.relativeMae(), 100 * margin));
        }
        return new Decision(false, String.format("candidate relative MAE %.4f does not beat production %.4f by %.1f%% (needs < %.4f)",
                candidate.relativeMae(), production.relativeMae(), 100 * margin, threshold));
    }
}
