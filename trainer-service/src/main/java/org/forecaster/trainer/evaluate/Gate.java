package org.forecaster.trainer.evaluate;

import java.util.List;
import java.util.Set;
import org.forecaster.core.baseline.HoltWinters;
import org.forecaster.core.baseline.NaiveForecast;
import org.forecaster.core.baseline.SeasonalNaiveForecast;

/**
 * What a candidate must show before the production comparison is even made (issue 15): at every horizon in
 * {@code horizons} (those within the model's reach K) a MASE below each baseline in {@code baselines}, and at h = 1
 * an interval coverage of at least {@code intervalLevel - coverageTolerance}. Over-coverage is not gated: intervals
 * that are too wide cost alert sensitivity, intervals that are too narrow raise false alerts and hide risk.
 *
 * @param horizons          steps ahead to compare at, each >= 1; must include 1 (where coverage is gated)
 * @param baselines         names of the baselines to beat ({@code naive}, {@code seasonal-naive}, {@code holt-winters});
 *                          empty switches the baseline gate off (not recommended: a model worse than "the last value"
 *                          can then reach users)
 * @param coverageTolerance how far h = 1 coverage may fall below the interval level, in [0, 1]; 1 switches the
 *                          coverage check off
 */
public record Gate(List<Integer> horizons, List<String> baselines, double coverageTolerance) {
    /** The baselines the gate knows, as {@code core.baseline} names them. */
    public static final Set<String> KNOWN_BASELINES = Set.of(NaiveForecast.NAME, SeasonalNaiveForecast.NAME, HoltWinters.NAME);

    public Gate {
        horizons = List.copyOf(horizons);
        baselines = List.copyOf(baselines);
        if (horizons.isEmpty() || !horizons.contains(1) || horizons.stream().anyMatch(h -> h < 1)) {
            throw new IllegalArgumentException("gate horizons must be >= 1 and include 1 (coverage is gated there), got " + horizons);
        }
        for (String b : baselines) {
            if (!KNOWN_BASELINES.contains(b)) {
                throw new IllegalArgumentException("unknown gate baseline '" + b + "' (known: naive, seasonal-naive, holt-winters)");
            }
        }
        if (!(coverageTolerance >= 0 && coverageTolerance <= 1)) {
            throw new IllegalArgumentException("coverage tolerance must be in [0, 1], got " + coverageTolerance);
        }
    }

    /** No baseline and no coverage check: only the production comparison decides (as before issue 15). */
    public static Gate productionOnly() {
        return new Gate(List.of(1), List.of(), 1);
    }

    /** The lowest h = 1 coverage that passes for intervals of {@code intervalLevel}. */
    public double coverageFloor(double intervalLevel) {
        return intervalLevel - coverageTolerance;
    }
}
