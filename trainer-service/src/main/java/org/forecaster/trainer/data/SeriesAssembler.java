package org.forecaster.trainer.data;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.forecaster.core.train.Series;
import org.forecaster.core.wire.Point;

/**
 * Groups points per series onto a regular grid and applies the caps. Not thread-safe; one per read.
 *
 * <p>Grid: a point belongs to step {@code floor(windowStart / step)} (epoch-aligned, as the ingest windows
 * are); a later point for the same step replaces an earlier one (topic order). A series starts at its first
 * step and ends at its last; steps in between without a point are NaN (missing), never interpolated.
 *
 * <p>Sampling, both deterministic:
 * <ul>
 *   <li>points per series: only the most recent {@code maxPoints} grid steps are kept (older points are
 *       dropped as they arrive, so memory is bounded by series x maxPoints);</li>
 *   <li>series: when more than {@code maxSeries} qualify (at least {@code minPoints} grid steps), those with
 *       the smallest seeded 64-bit hash of their id are kept: a stable, unbiased subset that changes only with
 *       the seed, not with arrival order or with which series are busiest.</li>
 * </ul>
 * Non-finite means are skipped (they would be rejected by {@link Series} anyway). Each step keeps the point's mean
 * and its trimmed mean ({@link Point#trimmedMean}), which the seasonal profile learns in training as in serving.
 */
public final class SeriesAssembler {
    private final long stepMillis;
    private final int maxSeries, maxPoints, minPoints;
    private final long seed;
    /** Per series, per grid step: the mean's float bits in the high half, the trimmed mean's in the low half. */
    private final Map<String, TreeMap<Long, Long>> bySeries = new HashMap<>();
    private long accepted, skipped;

    public SeriesAssembler(long stepMillis, int maxSeries, int maxPoints, int minPoints, long seed) {
        this.stepMillis = stepMillis;
        this.maxSeries = maxSeries;
        this.maxPoints = maxPoints;
        this.minPoints = minPoints;
        this.seed = seed;
    }

    public void add(Point p) {
        if (p == null || p.series() == null || p.series().isEmpty() || p.windowStart() == null || !Double.isFinite(p.mean())) {
            skipped++;
            return;
        }
        long step = Math.floorDiv(p.windowStart().toEpochMilli(), stepMillis);
        TreeMap<Long, Long> steps = bySeries.computeIfAbsent(p.series(), k -> new TreeMap<>());
        float trimmed = (float) Point.trimmedMean(p.count(), p.mean(), p.min(), p.max());
        long meanBits = Float.floatToRawIntBits((float) p.mean());
        steps.put(step, meanBits << 32 | Integer.toUnsignedLong(Float.floatToRawIntBits(trimmed)));
        // Keep the most recent maxPoints grid steps: drop what falls before the window.
        long oldestKept = steps.lastKey() - maxPoints + 1;
        while (steps.firstKey() < oldestKept) {
            steps.pollFirstEntry();
        }
        accepted++;
    }

    /** Points accepted so far. */
    public long accepted() {
        return accepted;
    }

    /** Points skipped as malformed. */
    public long skipped() {
        return skipped;
    }

    /** The capped series, ordered by id, and their time range. */
    public History build(long pointsRead) {
        List<Map.Entry<String, TreeMap<Long, Long>>> qualifying = new ArrayList<>();
        for (var e : bySeries.entrySet()) {
            if (e.getValue().lastKey() - e.getValue().firstKey() + 1 >= minPoints) {
                qualifying.add(e);
            }
        }
        if (qualifying.size() > maxSeries) {
            qualifying.sort(Comparator.comparingLong((Map.Entry<String, TreeMap<Long, Long>> e) -> hash(e.getKey()))
                    .thenComparing(Map.Entry::getKey));
            qualifying = new ArrayList<>(qualifying.subList(0, maxSeries));
        }
        qualifying.sort(Map.Entry.comparingByKey());
        List<Series> out = new ArrayList<>(qualifying.size());
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        for (var e : qualifying) {
            TreeMap<Long, Long> steps = e.getValue();
            long from = steps.firstKey();
            float[] values = new float[(int) (steps.lastKey() - from + 1)];
            Arrays.fill(values, Float.NaN);
            float[] trimmed = values.clone();
            steps.forEach((s, both) -> {
                values[(int) (s - from)] = Float.intBitsToFloat((int) (both >>> 32));
                trimmed[(int) (s - from)] = Float.intBitsToFloat((int) (long) both);
            });
            out.add(new Series(e.getKey(), from * stepMillis, stepMillis, values, trimmed));
            first = Math.min(first, from);
            last = Math.max(last, steps.lastKey());
        }
        return out.isEmpty() ? new History(out, null, null, pointsRead)
                : new History(out, Instant.ofEpochMilli(first * stepMillis), Instant.ofEpochMilli((last + 1) * stepMillis), pointsRead);
    }

    /** SplitMix64 finaliser over the seed and the id's characters: stable across JVMs, unlike String.hashCode mixing alone. */
    long hash(String id) {
        long h = seed ^ 0x9E3779B97F4A7C15L;
        for (int i = 0; i < id.length(); i++) {
            h = mix(h + id.charAt(i));
        }
        return mix(h + id.length());
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
