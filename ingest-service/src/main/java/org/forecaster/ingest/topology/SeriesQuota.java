package org.forecaster.ingest.topology;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-instance abuse limits of the windowing stage (issue 17), shared by every windowing task of the instance:
 * at most {@code maxLive} series with open windows, and at most {@code maxNewPerMinute} series never seen before taken
 * on per minute of wall clock. A series is admitted when it opens its first window and released when its last open
 * window closes; a series that is already live is never refused, so a flood of new ids cannot push out the series
 * that were there first. Thread-safe.
 */
public final class SeriesQuota {
    /** The limits; both at least 1. */
    public record Limits(int maxLive, int maxNewPerMinute) {
        public Limits {
            if (maxLive < 1 || maxNewPerMinute < 1) {
                throw new IllegalArgumentException("series quota must allow at least one series: max live " + maxLive
                        + ", max new per minute " + maxNewPerMinute);
            }
        }

        /** No practical limit (tests of other behaviour). */
        public static final Limits NONE = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    private final Limits limits;
    private final AtomicInteger live = new AtomicInteger();
    private long minute = Long.MIN_VALUE;
    private int newThisMinute;

    public SeriesQuota(Limits limits) {
        this.limits = limits;
    }

    /** Takes a live slot for a series never seen before, if both the live cap and this minute's new-series rate allow. */
    synchronized boolean admitNew(long nowWallMs) {
        long thisMinute = Math.floorDiv(nowWallMs, 60_000L);
        if (thisMinute != minute) {
            minute = thisMinute;
            newThisMinute = 0;
        }
        if (newThisMinute >= limits.maxNewPerMinute() || !admitLive()) {
            return false;
        }
        newThisMinute++;
        return true;
    }

    /** Takes a live slot for a known series that has no open window now, if the live cap allows. */
    boolean admitLive() {
        return live.getAndUpdate(n -> n < limits.maxLive() ? n + 1 : n) < limits.maxLive();
    }

    /** Counts series that are live without asking (found in a task's restored state: they keep working). */
    void adopt(int series) {
        live.addAndGet(series);
    }

    /** Gives back the slots of series whose last open window closed, or of a task that left this instance. */
    void release(int series) {
        live.addAndGet(-series);
    }

    /** Series with open windows on this instance now. */
    public int live() {
        return live.get();
    }
}
