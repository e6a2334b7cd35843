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
