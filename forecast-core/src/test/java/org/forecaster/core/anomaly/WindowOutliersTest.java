package org.forecaster.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.core.wire.Point;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The alert kinds' outliers: windows of 5 scrapes (a daily cycle of 288 windows plus scrape noise), fed to a bare
 * {@link AlertKinds} with the window's mean, its {@link Point#extreme} and the noiseless cycle as the prediction (its
 * sigma the mean's). A spike on one scrape moves the mean by a fifth only, too little for the jump detector, and
 * stands out whole in the extreme.
 */
class WindowOutliersTest {
    static final int DAY = 288, SCRAPES = 5, N = 3000, AT = 1500;
    static final double SIGMA_OF_MEAN = 1 / Math.sqrt(SCRAPES);

    /** Added to scrape {@code j} of window {@code t}. */
    interface Injection {
        double apply(int t, int j);
    }

    static final Injection NONE = (t, j) -> 0;

    /** Scrape noise: Gaussian, or Student-t with {@code tailDof} degrees of freedom (heavy tails) when > 0. */
    record Noise(int tailDof, double scale) {
        double draw(SplittableRandom r) {
            if (tailDof == 0) {
                return scale * r.nextGaussian();
            }
            double chiSquare = 0;
            for (int k = 0; k < tailDof; k++) {
                double g = r.nextGaussian();
                chiSquare += g * g;
            }
            return scale * r.nextGaussian() / Math.sqrt(chiSquare / tailDof);
        }
    }

    static final Noise GAUSSIAN = new Noise(0, 1), HEAVY = new Noise(3, 1);

    /** What the detector reported at each window, by index (null: nothing), with the window extremes seen. */
    record Run(AlertReason[] kinds, double[] extremes, double[] means, AlertKinds detector) {
        List<Integer> at(AlertReason kind) {
            List<Integer> out = new ArrayList<>();
            for (int t = 0; t < kinds.length; t++) {
                if (kinds[t] == kind) {
                    out.add(t);
                }
            }
            return out;
        }

        double largestExtremeBefore(int t) {
            double max = 0;
            for (int i = 0; i < t; i++) {
                max = Math.max(max, extremes[i]);
            }
            return max;
        }
    }

    /** Runs {@code n} windows; {@code withExtremes} false feeds them as single values (NaN extremes). */
    static Run run(long seed, int n, Noise noise, Injection inject, boolean withExtremes) {
        return run(seed, n, noise, inject, withExtremes, 0);
    }

    /**
     * As {@link #run(long, int, Noise, Injection, boolean)} with a prediction that follows the last window's error by
     * {@code follow} (0: the noiseless cycle), as a model pulled by its last input does.
     */
    static Run run(long seed, int n, Noise noise, Injection inject, boolean withExtremes, double follow) {
        AlertKinds kinds = new AlertKinds(AlertKinds.Spec.DEFAULT);
        SplittableRandom r = new SplittableRandom(seed);
        AlertReason[] reported = new AlertReason[n];
        double[] extremes = new double[n], means = new double[n];
        double previous = Double.NaN, lastError = 0;
        for (int t = 0; t < n; t++) {
            double cycle = 100 + 10 * Math.sin(2 * Math.PI * t / DAY);
            double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < SCRAPES; j++) {
                double v = cycle + noise.draw(r) + inject.apply(t, j);
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            double mean = sum / SCRAPES;
            double expected = cycle + follow * lastError;
            means[t] = mean;
            extremes[t] = Point.extreme(SCRAPES, mean, min, max);
            reported[t] = withExtremes ? kinds.update(mean, previous, expected, noise.scale() * SIGMA_OF_MEAN, false, SCRAPES, min, max)
                    : kinds.update(mean, previous, expected, noise.scale() * SIGMA_OF_MEAN, false);
            previous = mean;
            lastError = mean - cycle;
        }
        return new Run(reported, extremes, means, kinds);
    }

    static String describe(Run run) {
        StringBuilder b = new StringBuilder();
        for (int t = 0; t < run.kinds().length; t++) {
            if (run.kinds()[t] != null) {
                b.append(t).append(' ').append(run.kinds()[t]).append("; ");
            }
        }
        return b.toString();
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldCallAOneScrapeSpikeThatTheMeanDilutesASpikeAtTheNextWindow(long seed) {
        Injection spike = (t, j) -> t == AT && j == 2 ? 10 : 0; // 10 sigmas on one scrape, 2 on the mean
        Run run = run(seed, N, GAUSSIAN, spike, true);
        assertEquals(List.of(AT + 1), run.at(AlertReason.SPIKE), describe(run));
        assertEquals(AT + 1, firstReport(run), "nothing before it: " + describe(run));
        Run means = run(seed, N, GAUSSIAN, spike, false);
        assertEquals(-1, firstReport(means), "the window means alone are not news: " + describe(means));
        assertEquals(-1, firstReport(run(seed, N, GAUSSIAN, NONE, true)), "no outlier without the spike");
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldCallASpikeAcrossTwoWindowsOneSpike(long seed) {
        Run run = run(seed, N, GAUSSIAN, (t, j) -> (t == AT && j == 4) || (t == AT + 1 && j == 0) ? -10 : 0, true);
        assertEquals(List.of(AT + 2), run.at(AlertReason.SPIKE), describe(run));
        assertEquals(AT + 2, firstReport(run), describe(run));
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldCallScrapesEightTimesNoisierForFortyMinutesAVarianceBurst(long seed) {
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        double[][] burst = new double[8][SCRAPES];
        for (double[] w : burst) {
            for (int j = 0; j < SCRAPES; j++) {
                w[j] = 8 * r.nextGaussian();
            }
        }
        Run bursting = run(seed, N, GAUSSIAN, (t, j) -> t >= AT && t < AT + 8 ? burst[t - AT][j] : 0, true);
        int first = firstReport(bursting);
        assertEquals(AlertReason.VARIANCE_BURST, first < 0 ? null : bursting.kinds()[first], describe(bursting));
        assertTrue(first >= AT + 2 && first <= AT + 8, "reported within 40 minutes: " + describe(bursting));
        assertEquals(List.of(), bursting.at(AlertReason.SPIKE), describe(bursting));
    }

    /**
     * Scrape noise that grows fourfold for good is a burst first, then the key's new normal: the burst ends (within
     * hours for the scrapes' extremes, in a day or two for the window means' errors) instead of holding its alert
     * open for ever.
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldEndABurstOfScrapeNoiseThatStays(long seed) {
        SplittableRandom r = new SplittableRandom(seed * 17 + 1);
        double[][] noisier = new double[N - AT][SCRAPES];
        for (double[] w : noisier) {
            for (int j = 0; j < SCRAPES; j++) {
                w[j] = 4 * r.nextGaussian();
            }
        }
        Run run = run(seed, N, GAUSSIAN, (t, j) -> t >= AT ? noisier[t - AT][j] : 0, true);
        assertEquals(AlertReason.VARIANCE_BURST, run.kinds()[firstReport(run)], describe(run));
        assertTrue(firstReport(run) >= AT && firstReport(run) <= AT + 12, "within an hour: " + describe(run));
        assertEquals(List.of(firstReport(run)), run.at(AlertReason.VARIANCE_BURST), "one burst: " + describe(run));
        Run ended = run(seed, AT + 600, GAUSSIAN, (t, j) -> t >= AT ? noisier[t - AT][j] : 0, true);
        assertTrue(!ended.detector().busy(), "the burst is over 600 windows (2 days) on");
    }

    /**
     * A flatline's windows hold equal events, whose extreme is rounding or 0: it says nothing of the key's noise, so the
     * noise that follows is no burst (it once dragged the typical extreme down by orders of magnitude).
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldNotCallTheNoiseAfterAFlatlineABurst(long seed) {
        AlertKinds kinds = new AlertKinds(AlertKinds.Spec.DEFAULT);
        double stuck = 100 + 10 * Math.sin(2 * Math.PI * AT / DAY);
        SplittableRandom r = new SplittableRandom(seed);
        double previous = Double.NaN;
        List<Integer> reported = new ArrayList<>();
        for (int t = 0; t < N; t++) {
            double cycle = 100 + 10 * Math.sin(2 * Math.PI * t / DAY);
            boolean flat = t >= AT && t < AT + 60;
            double mean = flat ? stuck : cycle + SIGMA_OF_MEAN * r.nextGaussian();
            double extreme = flat ? 1e-14 : Math.abs(r.nextGaussian()) + 0.5;
            AlertReason kind = kinds.update(mean, previous, cycle, SIGMA_OF_MEAN, false, SCRAPES, mean - extreme, mean + extreme / 2);
            if (kind == AlertReason.VARIANCE_BURST || kind == AlertReason.SPIKE) {
                reported.add(t);
            }
            previous = mean;
        }
        assertEquals(List.of(), reported);
    }

    /**
     * Student-t scrape noise with 3 degrees of freedom makes new extremes all the time: a key whose windows often hold
     * an extreme 4 times the typical one needs 3 times its largest recent extreme, not 1.5, for an outlier.
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5, 7})
    void shouldNotReportAHeavyTailedKeysNewExtremesButOneFarBeyondThem(long seed) {
        Run quiet = run(seed, N, HEAVY, NONE, true);
        assertEquals(-1, firstReport(quiet), describe(quiet));
        double largest = quiet.largestExtremeBefore(AT);
        Run twice = run(seed, N, HEAVY, (t, j) -> t == AT && j == 1 ? 2.5 * largest : 0, true);
        assertTrue(twice.at(AlertReason.SPIKE).stream().noneMatch(t -> t == AT + 1), "2x its extremes: " + describe(twice));
        Run far = run(seed, N, HEAVY, (t, j) -> t == AT && j == 1 ? 5 * largest : 0, true);
        assertTrue(far.at(AlertReason.SPIKE).contains(AT + 1), "5x its extremes: " + describe(far));
    }

    /**
     * Two scrapes of one window 30 noise scales out inside Student-t noise (3 degrees of freedom): each is under
     * the 3 times the key's largest recent extreme that an outlier of such a heavy-tailed key needs, so the extreme
     * alone cannot tell them from the tail; but one wild scrape never moves the rest of its window with it, and two do.
     * One scrape of the same size stays quiet.
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5, 7})
    void shouldCallTwoScrapesFarOutInsideAHeavyTailASpikeButNotOne(long seed) {
        Run quiet = run(seed, N, HEAVY, NONE, true);
        double size = 30;
        assertTrue(size < AlertKinds.OUTLIER_HEAVY * quiet.largestExtremeBefore(AT), "inside the tail: " + quiet.largestExtremeBefore(AT));
        Run two = run(seed, N, HEAVY, (t, j) -> t == AT && (j == 1 || j == 2) ? size : 0, true);
        assertEquals(List.of(AT + 1), two.at(AlertReason.SPIKE), describe(two));
        Run one = run(seed, N, HEAVY, (t, j) -> t == AT && j == 1 ? size : 0, true);
        assertEquals(List.of(), one.at(AlertReason.SPIKE), describe(one));
    }

    /**
     * Three scrapes 30 noise scales out inside Student-t noise, two at the end of one window and one at the start of
     * the next: the first window has several events out (an outlier), the second only its one wild scrape (no
     * outlier in such a tail, and no calm window either). The spike is judged one window later, when it is over.
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5, 7})
    void shouldCallThreeScrapesFarOutAcrossTwoWindowsOfAHeavyTailOneSpike(long seed) {
        Run run = run(seed, N, HEAVY, (t, j) -> (t == AT && j >= 3) || (t == AT + 1 && j == 0) ? 30 : 0, true);
        assertEquals(List.of(AT + 2), run.at(AlertReason.SPIKE), describe(run));
        assertEquals(AT + 2, firstReport(run), describe(run));
    }

    /**
     * The same two scrapes under a prediction that follows the last window's error halfway: the window after the
     * spike then misses the prediction by half the spike's mean, on the other side, which is no "back within 4
     * typical errors" of it; the value has come back past it, and that is a spike's end too.
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5, 7})
    void shouldCallTwoScrapesFarOutASpikeWhenThePredictionFollowedThem(long seed) {
        Run two = run(seed, N, HEAVY, (t, j) -> t == AT && (j == 1 || j == 3) ? 30 : 0, true, 0.5);
        List<Integer> spikes = two.at(AlertReason.SPIKE);
        // The window's trimmed mean moved too, so the jump detector may confirm the same spike 3 points later.
        assertEquals(AT + 1, spikes.isEmpty() ? -1 : spikes.get(0), describe(two));
        assertTrue(spikes.stream().allMatch(t -> t <= AT + 1 + AlertKinds.Spec.DEFAULT.confirmSteps()), describe(two));
        Run stays = run(seed, N, HEAVY, (t, j) -> t >= AT && (t > AT || j >= 3) ? 30 : 0, true, 0.5);
        assertTrue(stays.at(AlertReason.SPIKE).isEmpty(), "a level shift in the window's last scrapes: " + describe(stays));
    }

    /**
     * A spike every 150 windows (an hourly job at coarser steps, or a key that spikes by nature): the first ones are
     * news, then the key's outlier rate passes {@link AlertKinds#OUTLIERS_BY_NATURE} per 2,016 windows and its spikes
     * stop paging, while they go on.
     */
    @ParameterizedTest
    @ValueSource(longs = {2, 3, 5})
    void shouldStopReportingTheSpikesOfAKeyThatSpikesByNature(long seed) {
        Run run = run(seed, N, GAUSSIAN, (t, j) -> t >= 1200 && (t - 1200) % 150 == 0 && j == 3 ? 10 : 0, true);
        List<Integer> spikes = run.at(AlertReason.SPIKE);
        assertEquals(List.of(1201, 1351, 1501), spikes, describe(run));
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3})
    void shouldRoundTripTheWindowExtremesExactly(long seed) {
        Run run = run(seed, AT + 1, GAUSSIAN, (t, j) -> t == AT && j == 2 ? 10 : 0, true); // ends on an outlier
        AlertKinds k = run.detector();
        ByteBuffer b = ByteBuffer.allocate(AlertKinds.ENCODED_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        k.writeTo(b);
        AlertKinds back = AlertKinds.readFrom(AlertKinds.Spec.DEFAULT, b.flip());
        assertEquals(k, back);
        assertNotEquals(new AlertKinds(AlertKinds.Spec.DEFAULT), back);
        assertEquals(AlertReason.SPIKE, back.update(100, 100, 100, SIGMA_OF_MEAN, false, SCRAPES, 99.5, 100.25), "the pending outlier");
    }

    /** A run that ends on a window with several events out keeps that in its stored flags (the byte's top bit). */
    @ParameterizedTest
    @ValueSource(longs = {2, 3})
    void shouldRoundTripARunOfSeveralEventsOutExactly(long seed) {
        Run run = run(seed, AT + 1, HEAVY, (t, j) -> t == AT && (j == 1 || j == 2) ? 30 : 0, true, 0.5);
        AlertKinds k = run.detector();
        ByteBuffer b = ByteBuffer.allocate(AlertKinds.ENCODED_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        k.writeTo(b);
        AlertKinds back = AlertKinds.readFrom(AlertKinds.Spec.DEFAULT, b.flip());
        assertEquals(k, back);
        // Back past a prediction that followed the outlier: a spike only for a run with several events out.
        double mean = run.means()[AT], expected = 100 + 10 * Math.sin(2 * Math.PI * (AT + 1) / DAY);
        double followed = expected + 0.5 * (mean - (100 + 10 * Math.sin(2 * Math.PI * AT / DAY)));
        assertEquals(AlertReason.SPIKE, back.update(expected, mean, followed, SIGMA_OF_MEAN, false, SCRAPES, expected - 1,
                expected + 1), "the pending run");
    }

    private static int firstReport(Run run) {
        for (int t = 0; t < run.kinds().length; t++) {
            if (run.kinds()[t] != null) {
                return t;
            }
        }
        return -1;
    }
}
