package org.forecaster.trainer.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.core.wire.Point;

/** Noisy daily-seasonal series as they arrive on telemetry.points: one point per series and step. */
public final class SyntheticPoints {
    private SyntheticPoints() {}

    /**
     * {@code count} series of {@code length} steps from {@code start}; every {@code gapEvery}-th step is left
     * out (0 for none) so the grid has gaps. Points are interleaved by time, as a topic would hold them.
     */
    public static List<Point> seasonal(int count, int length, Instant start, Duration step, double noise, int gapEvery, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] level = new double[count], amp = new double[count], phase = new double[count];
        for (int s = 0; s < count; s++) {
            level[s] = 50 + 100 * rnd.nextDouble();
            amp[s] = 5 + 20 * rnd.nextDouble();
            phase[s] = rnd.nextDouble() * 24;
        }
        List<Point> out = new ArrayList<>();
        for (int t = 0; t < length; t++) {
            Instant ws = start.plus(step.multipliedBy(t));
            for (int s = 0; s < count; s++) {
                double v = level[s] + amp[s] * Math.sin(2 * Math.PI * (t + phase[s]) / 24) + noise * amp[s] * rnd.nextGaussian();
                if (gapEvery > 0 && t % gapEvery == gapEvery - 1) {
                    continue;
                }
                out.add(new Point("series-" + s, ws, ws.plus(step), 1, v, v, v, v));
            }
        }
        return out;
    }

    /**
     * {@code count} series following the logistic map {@code x' = r x (1 - x)} at r = 3.8 (chaotic), shown as
     * {@code 50 + 40 x} plus Gaussian noise of {@code noise}: the next value is a fixed non-linear function of the
     * current one, which a recurrent network learns and which no linear or seasonal baseline (naive, seasonal naive,
     * Holt-Winters) can follow. A forecaster that beats all of them exists, so a gate test can demand it. Every
     * {@code gapEvery}-th step is left out (0 for none); the map runs on through a gap.
     */
    public static List<Point> logistic(int count, int length, Instant start, Duration step, double noise, int gapEvery, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] x = new double[count];
        for (int s = 0; s < count; s++) {
            x[s] = 0.1 + 0.8 * rnd.nextDouble();
        }
        List<Point> out = new ArrayList<>();
        for (int t = 0; t < length; t++) {
            Instant ws = start.plus(step.multipliedBy(t));
            for (int s = 0; s < count; s++) {
                double v = 50 + 40 * x[s] + noise * rnd.nextGaussian();
                x[s] = 3.8 * x[s] * (1 - x[s]);
                if (gapEvery > 0 && t % gapEvery == gapEvery - 1) {
                    continue;
                }
                out.add(new Point("series-" + s, ws, ws.plus(step), 1, v, v, v, v));
            }
        }
        return out;
    }

    /**
     * {@code count} Gaussian random walks (steps of standard deviation 1 from a level in [50, 150)): "the last value" is
     * the best forecast there is, so anything that departs from it loses to naive.
     */
    public static List<Point> randomWalk(int count, int length, Instant start, Duration step, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] y = new double[count];
        for (int s = 0; s < count; s++) {
            y[s] = 50 + 100 * rnd.nextDouble();
        }
        List<Point> out = new ArrayList<>();
        for (int t = 0; t < length; t++) {
            Instant ws = start.plus(step.multipliedBy(t));
            for (int s = 0; s < count; s++) {
                y[s] += rnd.nextGaussian();
                out.add(new Point("series-" + s, ws, ws.plus(step), 1, y[s], y[s], y[s], y[s]));
            }
        }
        return out;
    }
}
