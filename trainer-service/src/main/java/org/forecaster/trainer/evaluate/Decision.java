package org.forecaster.trainer.evaluate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.forecaster.core.train.HorizonEvaluation;

/**
 * The champion/challenger rule (issue 15), in order:
 * <ol>
 *   <li>a candidate that cannot be scored is never published;</li>
 *   <li>the <em>baseline gate</em> ({@link Gate}): at every gate horizon within the candidate's reach, its MASE must be
 *       below each gate baseline's on the same series and pairs, and its h = 1 interval coverage at least
 *       {@code intervalLevel - coverageTolerance}. A baseline that could not be fitted on any scored series (all too
 *       short for Holt-Winters) has no figure; it is skipped and the reason says so;</li>
 *   <li>the production comparison: the candidate's relative one-step MAE must be below
 *       {@code production * (1 - margin)}; with no production model (or one that cannot be scored) a candidate that
 *       passed the gate is published.</li>
 * </ol>
 * An operator may force one run's candidate through (it must still be scorable); the reason says so and names what
 * the gate would have refused.
 *
 * @param publish whether to publish the candidate
 * @param reason  one sentence with the figures, for the evaluation record and the log
 */
public record Decision(boolean publish, String reason) {

    public static Decision decide(Scores candidate, Scores production, double margin, boolean force, Gate gate,
                                  double intervalLevel) {
        if (!Double.isFinite(candidate.relativeMae())) {
            return new Decision(false, "candidate could not be scored on the test range (" + candidate.points() + " points)");
        }
        GateResult g = gate(candidate.horizons(), gate, intervalLevel);
        if (force) {
            return new Decision(true, String.format(Locale.ROOT, "published on request (force): candidate relative MAE %.4f, production %s%s",
                    candidate.relativeMae(), production == null ? "none" : fmt(production.relativeMae()),
                    g.failures.isEmpty() ? "" : "; the gate would have refused it: " + String.join("; ", g.failures)));
        }
        if (!g.failures.isEmpty()) {
            return new Decision(false, String.join("; ", g.failures));
        }
        String passed = g.summary;
        if (production == null) {
            return new Decision(true, "no production model; " + passed);
        }
        if (!Double.isFinite(production.relativeMae())) {
            return new Decision(true, "production model could not be scored on the test range; " + passed);
        }
        double threshold = production.relativeMae() * (1 - margin);
        if (candidate.relativeMae() < threshold) {
            return new Decision(true, String.format(Locale.ROOT, "candidate relative MAE %.4f beats production %.4f by more than %.1f%%; %s",
                    candidate.relativeMae(), production.relativeMae(), 100 * margin, passed));
        }
        return new Decision(false, String.format(Locale.ROOT, "candidate relative MAE %.4f does not beat production %.4f by %.1f%% (needs < %.4f)",
                candidate.relativeMae(), production.relativeMae(), 100 * margin, threshold));
    }

    private record GateResult(List<String> failures, String summary) {}

    private static GateResult gate(HorizonEvaluation e, Gate gate, double intervalLevel) {
        List<String> failures = new ArrayList<>();
        if (e == null) {
            failures.add("candidate has no multi-horizon figures to gate on");
            return new GateResult(failures, "");
        }
        List<String> skipped = new ArrayList<>();
        List<Integer> checked = new ArrayList<>();
        for (int h : gate.horizons()) {
            int i = e.horizons().indexOf(h);
            if (i < 0) {
                continue; // beyond the model's reach K
            }
            checked.add(h);
            double model = e.mase().get(i);
            if (!gate.baselines().isEmpty() && Double.isNaN(model)) {
                failures.add("candidate MASE at h=" + h + " could not be computed (" + e.series() + " scaled series, "
                        + e.pairs().get(i) + " pairs)");
                continue;
            }
            for (String name : gate.baselines()) {
                HorizonEvaluation.BaselineScore b = e.baseline(name);
                double ref = b == null ? Double.NaN : b.mase().get(i);
                if (Double.isNaN(ref)) {
                    if (!skipped.contains(name)) {
                        skipped.add(name);
                    }
                    continue;
                }
                double mine = b.modelMase().get(i); // the model on the series the baseline covered
                if (!(mine < ref)) {
                    failures.add(String.format(Locale.ROOT, "candidate MASE %.3f at h=%d does not beat %s %.3f%s", mine, h, name, ref,
                            b.series() < e.series() ? " (on the " + b.series() + " of " + e.series() + " series it could be fitted on)" : ""));
                }
            }
        }
        int i1 = e.horizons().indexOf(1);
        double coverage = i1 < 0 ? Double.NaN : e.coverage().get(i1);
        double floor = gate.coverageFloor(intervalLevel);
        if (floor > 0 && !(coverage >= floor)) {
            failures.add(String.format(Locale.ROOT, "candidate h=1 interval coverage %s is below %.3f (%.0f%% intervals, tolerance %.3f)",
                    fmt(coverage), floor, 100 * intervalLevel, gate.coverageTolerance()));
        }
        StringBuilder summary = new StringBuilder();
        if (gate.baselines().isEmpty()) {
            summary.append("baseline gate off");
        } else {
            summary.append(String.format(Locale.ROOT, "beats %s at h=%s (MASE h=%d %.3f)",
                    String.join(", ", gate.baselines().stream().filter(b -> !skipped.contains(b)).toList()), checked,
                    checked.getLast(), e.mase().get(e.horizons().indexOf(checked.getLast()))));
        }
        if (!skipped.isEmpty()) {
            summary.append("; not compared with ").append(String.join(", ", skipped)).append(" (no series long enough to fit it)");
        }
        summary.append(String.format(Locale.ROOT, "; h=1 coverage %s", fmt(coverage)));
        return new GateResult(failures, summary.toString());
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
