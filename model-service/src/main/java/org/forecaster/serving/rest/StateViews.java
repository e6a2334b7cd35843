package org.forecaster.serving.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.forecaster.core.online.PointStep;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.serving.topology.ServingSpec;
import org.forecaster.serving.weights.LoadedModel;

/**
 * What the REST API derives from a key's stored state: its latest forecast and its remembered inputs. Plain
 * functions of the state, the current model and the serving spec.
 */
public final class StateViews {
    /** One remembered input: the step's time and its value, null for a step that had no point. */
    public record HistoryPoint(Instant ts, Double value) {}

    /**
     * One remembered input with the one-step prediction for it: mean and interval bounds, null for the first input
     * (nothing before it to predict from).
     */
    public record BandPoint(Instant ts, Double value, Double mean, Double lower, Double upper) {}

    /**
     * The one-step band behind a series' remembered inputs (issue 19).
     *
     * @param modelVersion the model that replayed the inputs
     * @param level        central probability of the intervals
     * @param points       the inputs of {@link #history}, with their predictions
     */
    public record OneStepBand(String series, long modelVersion, double level, List<BandPoint> points) {}

    private StateViews() {}

    /**
     * The forecast the service holds for this key now, as core's {@link PointStep#latestForecast} makes it: the
     * one emitted at its last point, or for a state made by other weights, that of a copy re-warmed under the
     * current model. Each call builds its own step (scratch buffers, not thread-safe; a few KB for one key, less
     * than the response's JSON).
     */
    public static ForecastRecord forecast(String series, KeyState stored, LoadedModel model, ServingSpec spec) {
        return spec.pointStep(model).latestForecast(series, stored);
    }

    /**
     * The key's remembered inputs ({@link #history}) with the one-step prediction for each: the band a replay of
     * the inputs under the current model predicts ({@link PointStep#replayOneStep}), an approximation of the bands
     * forecast at the time, which started from all of the key's past. Scratch and thread-safety as for
     * {@link #forecast}.
     */
    public static OneStepBand oneStep(String series, KeyState stored, LoadedModel model, ServingSpec spec) {
        long stepMillis = model.header().stepMillis();
        List<HistoryPoint> inputs = history(stored, stepMillis);
        PointStep step = spec.pointStep(model);
        double[][] band = step.replayOneStep(stored);
        // Both end at the key's last point; the replay may cover more inputs (from before a reset) or fewer (a
        // ring made smaller by the current model), so they are matched from the end.
        int offset = band[0].length - inputs.size();
        List<BandPoint> points = new ArrayList<>(inputs.size());
        for (int j = 0; j < inputs.size(); j++) {
            HistoryPoint p = inputs.get(j);
            int b = j + offset;
            boolean known = b >= 0 && !Double.isNaN(band[0][b]);
            points.add(new BandPoint(p.ts(), p.value(), known ? band[0][b] : null, known ? band[1][b] : null,
                    known ? band[2][b] : null));
        }
        return new OneStepBand(series, step.modelVersion(), step.rules().intervalLevel(), points);
    }

    /**
     * The key's remembered inputs, oldest first, one per step of {@code stepMillis} ending at its last point.
     * A gap longer than {@code max-gap-steps} resets the state and forgets the inputs before it (their times are
     * unknown); states stored before that rule still hold them, so only the last {@code min(steps, remembered)}
     * inputs, which are contiguous ({@code steps} restarts at a reset), are shown.
     */
    public static List<HistoryPoint> history(KeyState state, long stepMillis) {
        int n = state.remembered();
        int contiguous = (int) Math.min(n, Math.max(0, state.steps));
        List<HistoryPoint> points = new ArrayList<>(contiguous);
        for (int i = n - contiguous; i < n; i++) {
            float v = state.recall(i);
            points.add(new HistoryPoint(Instant.ofEpochMilli(state.lastTimestamp - (long) (n - 1 - i) * stepMillis),
                    Float.isNaN(v) ? null : (double) v));
        }
        return points;
    }
}
