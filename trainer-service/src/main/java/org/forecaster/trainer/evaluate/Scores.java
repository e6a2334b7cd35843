package org.forecaster.trainer.evaluate;

import java.util.LinkedHashMap;
import java.util.Map;
import org.forecaster.core.train.HorizonEvaluation;

/**
 * One model's scores on the held-back slice (each series' test range, which no model trained on).
 *
 * @param relativeMae      mean over series of one-step MAE / seasonal-naive MAE (scale-free; the production comparison)
 * @param mae              mean over series of the one-step MAE, in the series' units
 * @param naiveRelativeMae the same ratio for the naive (last value) forecast, for reference
 * @param coverage         fraction of points inside the forecast interval, pooled over series
 * @param horizonNll       mean loss per target over all K horizon steps of the test range (core's evaluate)
 * @param series           series that had scorable points
 * @param points           points scored
 * @param horizons         the multi-horizon MASE of the model and the baselines and the coverage per horizon (the
 *                         gate's figures); null when not computed
 */
public record Scores(double relativeMae, double mae, double naiveRelativeMae, double coverage, double horizonNll,
                     int series, long points, HorizonEvaluation horizons) {

    /**
     * Finite values by metric name, as stored in the model header (prefix {@code test.}). Per horizon h:
     * {@code test.mase.h<h>} (the model), {@code test.<baseline>.mase.h<h>}, {@code test.coverage.h<h>}; per baseline
     * {@code test.<baseline>.series} (series it was fitted on), and, only when that is fewer than
     * {@code test.mase.series} (a series too short for Holt-Winters), {@code test.<baseline>.model-mase.h<h>}: the
     * model's MASE on the same series, the figure the gate compares.
     */
    public Map<String, Double> asMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        put(m, "test.relMae", relativeMae);
        put(m, "test.mae", mae);
        put(m, "test.naiveRelMae", naiveRelativeMae);
        put(m, "test.coverage", coverage);
        put(m, "test.horizonNll", horizonNll);
        m.put("test.series", (double) series);
        m.put("test.points", (double) points);
        if (horizons != null) {
            m.put("test.mase.series", (double) horizons.series());
            m.put("test.mase.unscaledSeries", (double) horizons.unscaledSeries());
            for (int i = 0; i < horizons.horizons().size(); i++) {
                String h = ".h" + horizons.horizons().get(i);
                put(m, "test.mase" + h, horizons.mase().get(i));
                put(m, "test.coverage" + h, horizons.coverage().get(i));
                for (HorizonEvaluation.BaselineScore b : horizons.baselines()) {
                    put(m, "test." + b.name() + ".mase" + h, b.mase().get(i));
                    if (b.series() < horizons.series()) {
                        put(m, "test." + b.name() + ".model-mase" + h, b.modelMase().get(i));
                    }
                }
            }
            for (HorizonEvaluation.BaselineScore b : horizons.baselines()) {
                m.put("test." + b.name() + ".series", (double) b.series());
            }
        }
        return m;
    }

    private static void put(Map<String, Double> m, String k, double v) {
        if (Double.isFinite(v)) {
            m.put(k, v);
        }
    }
}
