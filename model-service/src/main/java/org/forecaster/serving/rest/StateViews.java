package org.forecaster.serving.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.serving.topology.ServingSpec;
import org.forecaster.serving.weights.LoadedModel;

/**
 * What the REST API derives from a key's stored state: its latest forecast and its remembered inputs. Plain
 * functions of the state, the current model and the serving spec; each call builds its own {@link Stepper}
 * (scratch buffers, not thread-safe; a few KB for one key, less than the response's JSON).
 */
public final class StateViews {
    /** One remembered input: the step's time and its value, null for a step that had no point. */
    public record HistoryPoint(Instant ts, Double value) {}

    private StateViews() {}

    /**
     * The forecast the service holds for this key now, as a {@link ForecastRecord} like those on
     * {@code forecasts}: for a state made by the current model, the one emitted at its last point, recomputed
     * from the state ({@link Stepper#forecast(KeyState)}); for a state made by other weights, the forecast of a
     * copy re-warmed under the current model, as the next point would re-warm it, with the current version and
     * the copy's cold flag.
     */
    public static ForecastRecord forecast(String series, KeyState stored, LoadedModel model, ServingSpec spec) {
        Stepper stepper = new Stepper(model.forecaster(), model.header().normalizer(), model.header().stepMillis(),
                spec.intervalLevel(), spec.maxGapSteps(), spec.ringCapacity());
        KeyState state = stepper.needsRewarm(stored, model.version()) ? stepper.rewarmedCopy(stored, model.version()) : stored;
        StepResult r = stepper.forecast(state);
        List<ForecastRecord.Step> steps = new ArrayList<>(r.horizon());
        for (int k = 0; k < r.horizon(); k++) {
            steps.add(new ForecastRecord.Step(Instant.ofEpochMilli(r.timestamps[k]), r.mean[k], r.lower[k], r.upper[k]));
        }
        double observed = Double.isNaN(state.lastValue) ? state.recall(state.remembered() - 1) : state.lastValue;
        return new ForecastRecord(series, Instant.ofEpochMilli(state.lastTimestamp), observed,
                model.version(), state.steps < spec.coldSteps(), spec.intervalLevel(), steps);
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
