package org.forecaster.ingest.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One series' windowing state: its own event-time high-water mark, the start before which its windows are closed,
 * when (wall clock) it last sent an event, and its open windows in start order. Each series keeps its own event
 * time, so a backfill, a replay or a skewed clock moves only its own windows (issue 16).
 *
 * <p>The series' <em>watermark</em>, which closes its windows, is the least high-water mark over the raw-topic
 * partitions its events came from recently ({@link #watermark}): a plain producer without keys writes time-ordered
 * chunks of a series to several partitions, which different tasks re-key at different speeds, so the series' events
 * reach its window task out of order across partitions but in order within each. Waiting for the slowest partition
 * that still carries the series makes none of them late; a partition not heard from for the idle-close time stops
 * counting.
 *
 * <p>A series that came through the re-key within the idle-close time is also held back by every raw partition's
 * progress ({@link RawPartitionWatermark}), which covers the partitions that have not carried it yet; {@link
 * #rekeyedWallMs} says when it last did.
 *
 * <p>Stored as {@code u8 version (3), i64 highWater, i64 closedBefore, i64 lastSeenWallMs, i64 rekeyedWallMs, u8
 * sources, sources x (i32 partition, i64 highWater, i64 lastSeenWallMs), u16 open, open x (i64 start, 48-byte
 * WindowAggregate)}: 36 bytes plus 20 per source partition and 56 per open window. Versions 1 (no sources, no
 * rekeyedWallMs) and 2 (no rekeyedWallMs) are still read. Mutable, not thread-safe.
 */
final class SeriesWindows {
    private static final byte VERSION = 3, VERSION_2 = 2, VERSION_1 = 1;
    private static final int HEADER_1 = 1 + 3 * 8 + 2, PER_WINDOW = 8 + WindowAggregate.BYTES, PER_SOURCE = 4 + 8 + 8;
    /** Most source partitions remembered: a u8 count. */
    static final int MAX_SOURCES = 255;

    /** An open window: its start and its running aggregate. */
    record Open(long start, WindowAggregate aggregate) {}

    /** A raw-topic partition that carried the series: the newest event time from it, and when (wall clock). */
    record Source(int partition, long highWater, long lastSeenWallMs) {}

    long highWater = Long.MIN_VALUE;
    long closedBefore = Long.MIN_VALUE;
    long lastSeenWallMs;
    /** When (wall clock) an event of the series last came through the re-key topic; {@link Long#MIN_VALUE}: never. */
    long rekeyedWallMs = Long.MIN_VALUE;
    final List<Source> sources = new ArrayList<>();
    final List<Open> open = new ArrayList<>();

    /** Notes an event at {@code ts} from raw partition {@code partition}, seen at {@code nowWallMs}. */
    void heardFrom(int partition, long ts, long nowWallMs) {
        for (int i = 0; i < sources.size(); i++) {
            Source s = sources.get(i);
            if (s.partition() == partition) {
                sources.set(i, new Source(partition, Math.max(s.highWater(), ts), nowWallMs));
                return;
            }
        }
        if (sources.size() == MAX_SOURCES) {
            sources.removeFirst(); // the longest unheard, near enough: the list is in order of first appearance
        }
        sources.add(new Source(partition, ts, nowWallMs));
    }

    /**
     * The least high-water mark over the source partitions heard from within {@code activeMs} of {@code nowWallMs}
     * (the others are forgotten), or the series' own high-water mark when none is (a version-1 state).
     */
    long watermark(long nowWallMs, long activeMs) {
        long w = Long.MAX_VALUE;
        boolean stale = false;
        for (int i = 0; i < sources.size(); i++) { // indexed, no lambda: once per event
            Source s = sources.get(i);
            if (nowWallMs - s.lastSeenWallMs() > activeMs) {
                stale = true;
            } else {
                w = Math.min(w, s.highWater());
            }
        }
        if (stale) {
            sources.removeIf(s -> nowWallMs - s.lastSeenWallMs() > activeMs);
        }
        return sources.isEmpty() ? highWater : w;
    }

    /** Whether an event of the series came through the re-key within {@code activeMs} of {@code nowWallMs}. */
    boolean rekeyedWithin(long nowWallMs, long activeMs) {
        return rekeyedWallMs != Long.MIN_VALUE && nowWallMs - rekeyedWallMs <= activeMs;
    }

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
        if (open.isEmpty() || open.getFirst().start() + stepMs > until) {
            return List.of(); // the common case: an event that closes nothing
        }
        List<Open> closed = new ArrayList<>();
        while (!open.isEmpty() && open.getFirst().start() + stepMs <= until) {
            Open w = open.removeFirst();
            closed.add(w);
            closedBefore = Math.max(closedBefore, w.start() + stepMs);
        }
        return closed;
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_1 + 8 + 1 + PER_SOURCE * sources.size() + PER_WINDOW * open.size());
        b.put(VERSION).putLong(highWater).putLong(closedBefore).putLong(lastSeenWallMs).putLong(rekeyedWallMs)
                .put((byte) sources.size());
        for (Source s : sources) {
            b.putInt(s.partition()).putLong(s.highWater()).putLong(s.lastSeenWallMs());
        }
        b.putShort((short) open.size());
        for (Open w : open) {
            b.putLong(w.start());
            w.aggregate().writeTo(b);
        }
        return b.array();
    }

    static SeriesWindows decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte version = bytes.length < HEADER_1 ? 0 : b.get();
        int header = switch (version) {
            case VERSION_1 -> HEADER_1;
            case VERSION_2 -> HEADER_1 + 1;
            case VERSION -> HEADER_1 + 8 + 1;
            default -> Integer.MAX_VALUE;
        };
        if (bytes.length < header) {
            throw new IllegalArgumentException("series windows state of " + bytes.length + " bytes has no version-"
                    + VERSION_1 + ", " + VERSION_2 + " or " + VERSION + " header");
        }
        SeriesWindows s = new SeriesWindows();
        s.highWater = b.getLong();
        s.closedBefore = b.getLong();
        s.lastSeenWallMs = b.getLong();
        if (version == VERSION) {
            s.rekeyedWallMs = b.getLong();
        }
        int sources = version == VERSION_1 ? 0 : Byte.toUnsignedInt(b.get());
        if (b.remaining() < PER_SOURCE * sources + 2) {
            throw new IllegalArgumentException("series windows state of " + bytes.length + " bytes does not hold its "
                    + sources + " source partitions");
        }
        for (int i = 0; i < sources; i++) {
            s.sources.add(new Source(b.getInt(), b.getLong(), b.getLong()));
        }
        int n = Short.toUnsignedInt(b.getShort());
        if (b.remaining() != PER_WINDOW * n) {
            throw new IllegalArgumentException("series windows state of " + bytes.length + " bytes does not hold its " + n
                    + " open windows");
        }
        for (int i = 0; i < n; i++) {
            s.open.add(new Open(b.getLong(), WindowAggregate.readFrom(b)));
        }
        return s;
    }
}
