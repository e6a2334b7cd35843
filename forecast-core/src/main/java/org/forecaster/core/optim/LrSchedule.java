package org.forecaster.core.optim;

/**
 * Learning rate as a function of the update count t (seed 004, "tips for annealing"). Immutable.
 */
public sealed interface LrSchedule {

    /** The rate for update number {@code t} (0-based). */
    double rate(long t);

    /** {@code rate0} throughout. */
    record Constant(double rate0) implements LrSchedule {
        public Constant {
            checkRate(rate0);
        }

        @Override
        public double rate(long t) {
            return rate0;
        }
    }

    /** {@code rate0 * gamma^floor(t / every)}: e.g. halve every N updates. */
    record Step(double rate0, long every, double gamma) implements LrSchedule {
        public Step {
            checkRate(rate0);
            if (every < 1 || !(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("step schedule needs every >= 1 and gamma in (0, 1], got " + every + ", " + gamma);
            }
        }

        @Override
        public double rate(long t) {
            return rate0 * Math.pow(gamma, Math.floorDiv(t, every));
        }
    }

    /** {@code rate0 * exp(-k t)}. */
    record Exponential(double rate0, double k) implements LrSchedule {
        public Exponential {
            checkRate(rate0);
            if (!(k >= 0) || Double.isInfinite(k)) {
                throw new IllegalArgumentException("exponential decay k must be >= 0, got " + k);
            }
        }

        @Override
        public double rate(long t) {
            return rate0 * Math.exp(-k * t);
        }
    }

    /** {@code rate0 / (1 + k t)}. */
    record InverseTime(double rate0, double k) implements LrSchedule {
        public InverseTime {
            checkRate(rate0);
            if (!(k >= 0) || Double.isInfinite(k)) {
                throw new IllegalArgumentException("1/t decay k must be >= 0, got " + k);
            }
        }

        @Override
        public double rate(long t) {
            return rate0 / (1 + k * t);
        }
    }

    private static void checkRate(double rate) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + rate);
        }
    }
}
