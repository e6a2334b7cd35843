package org.forecaster.core.train;

/**
 * One regularly spaced series for training or evaluation: value {@code i} belongs to time
 * {@code startMillis + i * stepMillis}; NaN marks a missing step. The array is owned by the caller and
 * must not change while a trainer uses it.
 */
public record Series(String id, long startMillis, long stepMillis, float[] values) {
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
    }

    public int length() {
        return values.length;
    }

    public long timestamp(int i) {
        return startMillis + i * stepMillis;
    }
}
