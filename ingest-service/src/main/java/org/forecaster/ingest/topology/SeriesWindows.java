package org.forecaster.ingest.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One series' windowing state: its own event-time high-water mark, the start before which its windows are closed,
 * when (wall clock) it last sent an event, and its open windows in start order. Each series keeps its own event
 * time, so a backfill, a replay or a skewed clock moves only its own windows (issue 16).
 *
 * <p>Stored as {@code u8 version, i64 highWater, i64 closedBefore, i64 lastSeenWallMs, u16 open, open x (i64 start,
 * 48-byte WindowAggregate)}: 27 bytes plus 56 per open window. Mutable, not thread-safe.
 */
final class SeriesWindows {
    private static final byte VERSION = 1;
    private static final int HEADER = 1 + 3 * 8 + 2, PER_WINDOW = 8 + WindowAggregate.BYTES;

    /** An open window: its start and its running aggregate. */
    record Open(long start, WindowAggregate aggregate) {}

    long highWater = Long.MIN_VALUE;
    long closedBefore = Long.MIN_VALUE;
    long lastSeenWallMs;
    final List<Open> open = new ArrayList<>();

    /** Adds an event to its window, opening it in start order if new. */
    void add(long windowStart, long ts, double value) {
        int i = 0;
        while (i < open.size() && open.get(i).start() < windowStart) {
            i++;
        }
        if (i < open.size() && open.get(i).start() == windowStart) {
            open.set(i, new Open(windowStart, open.get(i).aggregate().add(ts, value)));
        } else {
            open.add(i, new Open(windowStart, WindowAggregate.EMPTY.add(ts, value)));
        }
        highWater = Math.max(highWater, ts);
    }

    /**
     * Removes and returns the open windows that end at or before {@code until}, oldest first, and marks their time as
     * closed: a later event in them is late.
     */
    List<Open> closeUntil(long until, long stepMs) {
        List<Open> closed = new ArrayList<>();
        while (!open.isEmpty() && open.getFirst().start() + stepMs <= until) {
            Open w = open.removeFirst();
            closed.add(w);
            closedBefore = Math.max(closedBefore, w.start() + stepMs);
        }
        return closed;
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + PER_WINDOW * open.size());
        b.put(VERSION).putLong(highWater).putLong(closedBefore).putLong(lastSeenWallMs).putShort((short) open.size());
        for (Open w : open) {
            b.putLong(w.start());
            w.aggregate().writeTo(b);
        }
        return b.array();
    }

    static SeriesWindows decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < HEADER || b.get() != VERSION) {
            throw new IllegalArgumentException("series windows state of " + bytes.length + " bytes has no version-"
                    + VERSION + " header");
        }
        SeriesWindows s = new SeriesWindows();
        s.highWater = b.getLong();
        s.closedBefore = b.getLong();
        s.lastSeenWallMs = b.getLong();
        int n = Short.toUnsignedInt(b.getShort());
        if (bytes.length != HEADER + PER_WINDOW * n) {
            throw new IllegalArgumentException("series windows state of " + bytes.length + " bytes does not hold its " + n
                    + " open windows");
        }
        for (int i = 0; i < n; i++) {
            s.open.add(new Open(b.getLong(), WindowAggregate.readFrom(b)));
        }
        return s;
    }
}
