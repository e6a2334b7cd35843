package org.forecaster.cli.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * What one picture shows of one series: its observed values, the one-step-ahead forecast with its interval, alert
 * spans and labelled windows. Times are epoch milliseconds. Arrays are owned by the record (callers do not change them).
 *
 * @param observed  the series' values, in time order
 * @param forecast  the h=1 forecast mean and interval at the time it forecasts, in time order; empty when none is drawn
 * @param level     the forecast interval's coverage in (0, 1), for the legend; NaN when there is no forecast
 * @param alerts    alert spans (OPEN to RESOLVED), labelled by their reason
 * @param labels    labelled windows (e.g. a scenario's labels.json), labelled by their kind
 */
record PlotData(Points observed, Band forecast, double level, List<Span> alerts, List<Span> labels) {
    PlotData {
        alerts = List.copyOf(alerts);
        labels = List.copyOf(labels);
    }

    /** Values at times. */
    record Points(long[] ts, double[] values) {
        static final Points EMPTY = new Points(new long[0], new double[0]);

        int size() {
            return ts.length;
        }

        Points within(long from, long to) {
            int[] keep = indicesWithin(ts, from, to);
            long[] t = new long[keep.length];
            double[] v = new double[keep.length];
            for (int i = 0; i < keep.length; i++) {
                t[i] = ts[keep[i]];
                v[i] = values[keep[i]];
            }
            return new Points(t, v);
        }
    }

    /** A mean and its interval at times. */
    record Band(long[] ts, double[] mean, double[] lower, double[] upper) {
        static final Band EMPTY = new Band(new long[0], new double[0], new double[0], new double[0]);

        int size() {
            return ts.length;
        }

        Band within(long from, long to) {
            int[] keep = indicesWithin(ts, from, to);
            long[] t = new long[keep.length];
            double[] m = new double[keep.length], lo = new double[keep.length], hi = new double[keep.length];
            for (int i = 0; i < keep.length; i++) {
                t[i] = ts[keep[i]];
                m[i] = mean[keep[i]];
                lo[i] = lower[keep[i]];
                hi[i] = upper[keep[i]];
            }
            return new Band(t, m, lo, hi);
        }
    }

    /** A time span {@code [start, end]} with a short text. */
    record Span(long start, long end, String text) {
        Span {
            if (end < start) {
                throw new IllegalArgumentException("span '" + text + "' ends (" + end + ") before it starts (" + start + ")");
            }
        }
    }

    /** The first and last time of anything drawn (values, forecasts), or null when there is nothing. */
    long[] timeRange() {
        long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
        for (long t : observed.ts()) {
            lo = Math.min(lo, t);
            hi = Math.max(hi, t);
        }
        for (long t : forecast.ts()) {
            lo = Math.min(lo, t);
            hi = Math.max(hi, t);
        }
        return lo > hi ? null : new long[] {lo, hi};
    }

    /** Only what lies in {@code [from, to]}; spans are cut to it, spans outside it dropped. */
    PlotData within(long from, long to) {
        return new PlotData(observed.within(from, to), forecast.within(from, to), level, clip(alerts, from, to), clip(labels, from, to));
    }

    private static List<Span> clip(List<Span> spans, long from, long to) {
        List<Span> out = new ArrayList<>();
        for (Span s : spans) {
            if (s.end() >= from && s.start() <= to) {
                out.add(new Span(Math.max(from, s.start()), Math.min(to, s.end()), s.text()));
            }
        }
        return out;
    }

    private static int[] indicesWithin(long[] ts, long from, long to) {
        int n = 0;
        int[] keep = new int[ts.length];
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] >= from && ts[i] <= to) {
                keep[n++] = i;
            }
        }
        return java.util.Arrays.copyOf(keep, n);
    }
}
