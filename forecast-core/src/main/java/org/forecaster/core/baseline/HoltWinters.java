package org.forecaster.core.baseline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Additive Holt-Winters: level, trend and one seasonal component (Hyndman and Athanasopoulos, Forecasting:
 * Principles and Practice, 3rd ed., 8.3, "Holt-Winters' additive method"):
 * <pre>
 *   level    l_t = alpha (y_t - s_{t-m}) + (1 - alpha)(l_{t-1} + b_{t-1})
 *   trend    b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1}
 *   season   s_t = gamma (y_t - l_{t-1} - b_{t-1}) + (1 - gamma) s_{t-m}
 *   forecast y_{t+h|t} = l_t + h b_t + s_{t+h-m(k+1)},  k = floor((h - 1) / m)
 * </pre>
 * A missing {@code y_t} is replaced by its one-step forecast {@code l_{t-1} + b_{t-1} + s_{t-m}}, which carries
 * level, trend and season forward unchanged.
 *
 * <p>Initial state from the first two seasons: the trend from the change of each phase between them, the level and
 * seasonal terms from the detrended values (see {@code State.initial}). A series that is exactly a line plus a
 * periodic pattern, with every phase observed at least once in its first two seasons, is therefore forecast exactly
 * from the end of its second season, whatever the smoothing parameters. Forecasts at
 * origins inside the first two seasons are NaN: they would use values after the origin.
 *
 * <p>{@link #fit} picks (alpha, beta, gamma) from a small grid ({@link #DEFAULT_GRID}, 16 points) by the mean
 * absolute one-step error over the fitting prefix after the two initial seasons; ties go to the earlier grid point.
 */
public final class HoltWinters implements Baseline {
    public static final String NAME = "holt-winters";

    /** Smoothing parameters, each in [0, 1]. */
    public record Parameters(double alpha, double beta, double gamma) {
        public Parameters {
            if (!(alpha >= 0 && alpha <= 1 && beta >= 0 && beta <= 1 && gamma >= 0 && gamma <= 1)) {
                throw new IllegalArgumentException("Holt-Winters parameters must lie in [0, 1], got alpha " + alpha
                        + ", beta " + beta + ", gamma " + gamma);
            }
        }
    }

    /**
     * 4 x 2 x 2 points: levels from slow to fast; a fixed trend (beta 0, the initial slope) or a slowly adapting
     * one, since a fast trend on noisy telemetry extrapolates noise over the whole horizon; a slow or a moderate
     * season, each seasonal term being updated only once per season.
     */
    public static final List<Parameters> DEFAULT_GRID = grid(new double[] {0.05, 0.2, 0.5, 0.9}, new double[] {0, 0.01},
            new double[] {0.05, 0.25});

    private final int season;
    private final List<Parameters> grid;

    /** With {@link #DEFAULT_GRID}. */
    public HoltWinters(int season) {
        this(season, DEFAULT_GRID);
    }

    /** @param grid candidates for {@link #fit}; a single point fixes the parameters */
    public HoltWinters(int season, List<Parameters> grid) {
        if (season < 2) {
            throw new IllegalArgumentException("Holt-Winters season must be >= 2 steps, got " + season);
        }
        if (grid.isEmpty()) {
            throw new IllegalArgumentException("Holt-Winters needs at least one parameter candidate");
        }
        this.season = season;
        this.grid = List.copyOf(grid);
    }

    /** Every combination of the given values, alpha varying slowest. */
    public static List<Parameters> grid(double[] alphas, double[] betas, double[] gammas) {
        List<Parameters> out = new ArrayList<>();
        for (double a : alphas) {
            for (double b : betas) {
                for (double g : gammas) {
                    out.add(new Parameters(a, b, g));
                }
            }
        }
        return List.copyOf(out);
    }

    /** The shortest prefix {@link #fit} accepts: two seasons to initialise, plus one step to score. */
    public static int minimumFitLength(int season) {
        return 2 * season + 1;
    }

    public int season() {
        return season;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Fitted fit(double[] values, int fitEnd) {
        Baselines.checkPrefix(values, fitEnd);
        if (fitEnd < minimumFitLength(season)) {
            throw new IllegalArgumentException("Holt-Winters with a season of " + season + " steps needs a fitting prefix of at least "
                    + minimumFitLength(season) + " steps (two seasons and one more), got " + fitEnd);
        }
        double[] prefix = Arrays.copyOf(values, fitEnd);
        State initial = State.initial(prefix, season);
        Parameters best = grid.get(0);
        double bestError = Double.POSITIVE_INFINITY;
        for (Parameters p : grid) {
            double error = oneStepMae(prefix, p, initial.copy());
            if (error < bestError) { // NaN (no observed step to score) never wins; then the first point stays
                bestError = error;
                best = p;
            }
        }
        return new Fitted(season, best);
    }

    private static double oneStepMae(double[] values, Parameters p, State s) {
        double sum = 0;
        long n = 0;
        for (int t = 2 * s.season; t < values.length; t++) {
            double y = values[t];
            if (!Double.isNaN(y)) {
                sum += Math.abs(y - s.forecast(t - 1, 1));
                n++;
            }
            s.observe(t, y, p);
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Holt-Winters with chosen parameters. */
    public record Fitted(int season, Parameters parameters) implements FittedBaseline {
        @Override
        public String describe() {
            return NAME + "(alpha=" + parameters.alpha() + ", beta=" + parameters.beta() + ", gamma=" + parameters.gamma() + ")";
        }

        /**
         * @throws IllegalArgumentException if {@code values} is shorter than two seasons or one of its first two
         *                                  seasons has no observed value (no initial state)
         */
        @Override
        public HorizonForecasts walk(double[] values, int maxHorizon) {
            Baselines.checkHorizon(maxHorizon);
            int n = values.length;
            double[] out = new double[n * maxHorizon];
            Arrays.fill(out, Double.NaN);
            State s = State.initial(values, season);
            for (int t = 2 * season - 1; t < n; t++) {
                if (t >= 2 * season) {
                    s.observe(t, values[t], parameters);
                }
                for (int h = 1; h <= maxHorizon; h++) {
                    out[t * maxHorizon + h - 1] = s.forecast(t, h);
                }
            }
            return new HorizonForecasts(n, maxHorizon, out);
        }
    }

    /** Level, trend and the seasonal terms (a ring indexed by step mod season) after some step. */
    private static final class State {
        final int season;
        double level;
        double trend;
        final double[] seasonal;

        private State(int season, double level, double trend, double[] seasonal) {
            this.season = season;
            this.level = level;
            this.trend = trend;
            this.seasonal = seasonal;
        }

        /**
         * The state after step {@code 2 * season - 1}, from the first two seasons of {@code values}: the trend is the
         * mean of {@code (y[j + season] - y[j]) / season} over the phases observed in both seasons (exact for a line
         * plus a periodic pattern, whatever else is missing); each phase's seasonal term is its mean detrended value,
         * centred so the terms of the observed phases average 0 (a phase never observed gets 0).
         */
        static State initial(double[] values, int season) {
            if (values.length < 2 * season) {
                throw new IllegalArgumentException("Holt-Winters needs two seasons (" + 2 * season + " steps) to start, got "
                        + values.length + " steps");
            }
            double slopeSum = 0;
            int pairs = 0;
            for (int j = 0; j < season; j++) {
                if (!Double.isNaN(values[j]) && !Double.isNaN(values[j + season])) {
                    slopeSum += (values[j + season] - values[j]) / season;
                    pairs++;
                }
            }
            if (pairs == 0) {
                throw new IllegalArgumentException("Holt-Winters needs a phase observed in both of the first two seasons (steps 0.."
                        + (2 * season - 1) + "), to start its trend; none is");
            }
            double slope = slopeSum / pairs;
            double[] seasonal = new double[season];
            int[] count = new int[season];
            for (int t = 0; t < 2 * season; t++) {
                if (!Double.isNaN(values[t])) {
                    seasonal[t % season] += values[t] - slope * t;
                    count[t % season]++;
                }
            }
            double intercept = 0;
            int phases = 0;
            for (int j = 0; j < season; j++) {
                if (count[j] > 0) {
                    seasonal[j] /= count[j];
                    intercept += seasonal[j];
                    phases++;
                }
            }
            intercept /= phases;
            for (int j = 0; j < season; j++) {
                seasonal[j] = count[j] > 0 ? seasonal[j] - intercept : 0;
            }
            return new State(season, intercept + slope * (2 * season - 1), slope, seasonal);
        }

        State copy() {
            return new State(season, level, trend, seasonal.clone());
        }

        /** The forecast of step {@code origin + h} from this state, which is the state after step {@code origin}. */
        double forecast(int origin, int h) {
            return level + h * trend + seasonal[(origin + h) % season];
        }

        /** Folds in step {@code t}'s value (NaN: missing, replaced by its one-step forecast). */
        void observe(int t, double y, Parameters p) {
            int phase = t % season;
            double previousSeasonal = seasonal[phase];
            double value = Double.isNaN(y) ? level + trend + previousSeasonal : y;
            double previousLevel = level;
            level = p.alpha() * (value - previousSeasonal) + (1 - p.alpha()) * (previousLevel + trend);
            double newTrend = p.beta() * (level - previousLevel) + (1 - p.beta()) * trend;
            seasonal[phase] = p.gamma() * (value - previousLevel - trend) + (1 - p.gamma()) * previousSeasonal;
            trend = newTrend;
        }
    }
}
