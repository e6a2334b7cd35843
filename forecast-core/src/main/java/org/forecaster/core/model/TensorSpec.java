package org.forecaster.core.model;

import java.util.Arrays;

/**
 * A named block of a model's flat parameter array: its shape and where it starts. Matrices are
 * input-major ({@code [inputs, outputs]}, see {@link org.forecaster.core.kernel.Kernels}).
 */
public record TensorSpec(String name, int[] shape, int offset) {

    public TensorSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("tensor name must be non-empty");
        }
        shape = shape.clone();
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor " + name + " has non-positive dimension in " + Arrays.toString(shape));
            }
        }
        if (offset < 0) {
            throw new IllegalArgumentException("tensor " + name + " has negative offset " + offset);
        }
    }

    /** Number of floats. */
    public int size() {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && Arrays.equals(shape, t.shape) && offset == t.offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape) + offset;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + "@" + offset;
    }
}
