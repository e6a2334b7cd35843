package org.forecaster.core.train;

/**
 * One regularly spaced series for training or evaluation: value {@code i} belongs to time
 * {@code startMillis + i * stepMillis}; NaN marks a missing step. {@code trimmed}, when not null, is per step the
 * window's trimmed mean (its events' mean without the lowest and the highest, which one wild scrape does not move):
 * what the key's seasonal profile learns, as the model service feeds it ({@code PointStep}); null where the steps
 * are single values, whose profile learns the values themselves. The arrays are owned by the caller and must not
 * change while a trainer uses them.
 */
public record Series(String id, long startMillis, long stepMillis, float[] values, float[] trimmed) {
    public Series {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("series id must be non-empty");
        }
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("series " + id + ": step must be positive, got " + stepMillis + " ms");
        }
        for (int i = 0; i < values.length; i++) {
            if (Float.isInfinite(values[i])) {
                throw new IllegalArgumentException("series " + id + ": value " + i + " is infinite");
            }
        }
        if (trimmed != null) {
            if (trimmed.length != values.length) {
                throw new IllegalArgumentException("series " + id + ": " + trimmed.length + " trimmed means for "
                        + values.length + " values");
            }
            for (int i = 0; i < values.length; i++) {
                if (Float.isNaN(trimmed[i]) != Float.isNaN(values[i]) || Float.isInfinite(trimmed[i])) {
                    throw new IllegalArgumentException("series " + id + ": trimmed mean " + i + " is " + trimmed[i]
                            + " for the value " + values[i]);
                }
            }
        }
    }

    /** A series of single values: the profile learns the values themselves. */
    public Series(String id, long startMillis, long stepMillis, float[] values) {
        this(id, startMillis, stepMillis, values, null);
    }

    public int length() {
        return values.length;
    }

    public long timestamp(int i) {
        return startMillis + i * stepMillis;
    }

    /** What the seasonal profile learns at step {@code i}: the window's trimmed mean, or the value; NaN if missing. */
    public float profileValue(int i) {
        return trimmed == null ? values[i] : trimmed[i];
    }
}
