package org.forecaster.trainer.evaluate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One model's scores on the held-back slice (each series' test range, which no model trained on).
 *
 * @param relativeMae      mean over series of one-step MAE / seasonal-naive MAE (scale-free; the decision metric)
 * @param mae              mean over series of the one-step MAE, in the series' units
 * @param naiveRelativeMae the same ratio for the naive (last value) forecast, for reference
 * @param coverage         fraction of points inside the forecast interval, pooled over series
 * @param horizonNll       mean loss per target over all K horizon steps of the test range (core's evaluate)
 * @param series           series that had scorable points
 * @param points           points scored
 */
public record Scores(double relativeMae, double mae, double naiveRelativeMae, double coverage, double horizonNll,
                     int series, long points) {

    /** Finite values by metric name, as stored in the model header (prefix {@code test.}). */
    public Map<String, Double> asMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        put(m, "test.relMae", relativeMae);
        put(m, "test.mae", mae);
        put(m, "test.naiveRelMae", naiveRelativeMae);
        put(m, "test.coverage", coverage);
        put(m, "test.horizonNll", horizonNll);
        m.put("test.series", (double) series);
        m.put("test.points", (double) points);
        return m;
    }

    private static void put(Map<String, Double> m, String k, double v) {
        if (Double.isFinite(v)) {
            m.put(k, v);
        }
    }
}
