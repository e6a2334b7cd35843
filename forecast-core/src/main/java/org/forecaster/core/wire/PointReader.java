package org.forecaster.core.wire;

import java.time.Instant;

/**
 * Reads a {@link Point} from a {@code telemetry.points} record in either form, binary ({@link PointBinary}, what
 * ingest writes since issue 18) or JSON (what earlier releases wrote, and ingest with
 * {@code forecast.ingest.points-format=json}), told apart by the first byte: a binary version tag is a control
 * character no JSON text starts with. Every reader of the topic uses this, so records written before an upgrade still
 * read. Thread-safe.
 */
public final class PointReader {
    private PointReader() {}

    /**
     * The point in {@code record}.
     *
     * @throws IllegalArgumentException saying what is wrong: an unknown binary version, a truncated binary record,
     *                                  or broken JSON (with {@link PointJsonReader}'s message, as before)
     * @throws NullPointerException     for a null record (a tombstone), as {@link PointJsonReader} did
     */
    public static Point read(byte[] record) {
        if (record != null && record.length > 0 && PointBinary.isBinaryTag(record[0])) {
            return PointBinary.read(record);
        }
        return PointJsonReader.read(record);
    }

    /**
     * As {@link #read(byte[])}, into the reused {@code into}: the same records read and the same exceptions, but a
     * binary record builds no {@link Point}, window end or series id (decoded only if asked for), so the model
     * service allocates only the window start per point (its forecast keeps it).
     */
    public static void read(byte[] record, Fields into) {
        if (record != null && record.length > 0 && PointBinary.isBinaryTag(record[0])) {
            PointBinary.read(record, into);
        } else {
            Point p = PointJsonReader.read(record);
            into.set(null, p, p.windowStart(), p.mean(), p.count(), p.min(), p.max());
        }
    }

    /** The fields of the last point {@link #read(byte[], Fields)} read; reused from record to record, not thread-safe. */
    public static final class Fields {
        private byte[] binary;
        private Point json;
        private Instant windowStart;
        private double mean, min, max;
        private long count;

        void set(byte[] binary, Point json, Instant windowStart, double mean, long count, double min, double max) {
            this.binary = binary;
            this.json = json;
            this.windowStart = windowStart;
            this.mean = mean;
            this.count = count;
            this.min = min;
            this.max = max;
        }

        /** {@link Point#series()}: decoded now from a binary record. */
        public String series() {
            return json != null ? json.series() : PointBinary.series(binary);
        }

        /** {@link Point#windowStart()}. */
        public Instant windowStart() {
            return windowStart;
        }

        /** {@link Point#mean()}. */
        public double mean() {
            return mean;
        }

        /** {@link Point#count()}. */
        public long count() {
            return count;
        }

        /** {@link Point#min()}. */
        public double min() {
            return min;
        }

        /** {@link Point#max()}. */
        public double max() {
            return max;
        }
    }
}
