package org.forecaster.core.wire;

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
}
