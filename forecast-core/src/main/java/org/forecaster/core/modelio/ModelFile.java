package org.forecaster.core.modelio;

import java.util.Arrays;
import java.util.List;
import org.forecaster.core.model.TensorSpec;

/**
 * A model as stored: its header and its flat parameter array, laid out as {@code header.spec().tensors()}
 * says.
 *
 * <p>Array ownership: the record keeps the array it is given and {@link #parameters()} returns that same
 * array, without copies, because a model can be hundreds of megabytes. Treat it as read-only once a
 * {@code ModelFile} holds it. {@link #equals} and {@link #hashCode} compare the parameters bit for bit
 * ({@code -0.0f} differs from {@code 0.0f}).
 *
 * @param header     the model's metadata
 * @param parameters {@code header.spec().parameterCount()} finite floats
 */
public record ModelFile(ModelHeader header, float[] parameters) {

    /** Checks that the parameters fit the spec and are all finite. */
    public ModelFile {
        if (header == null) {
            throw new IllegalArgumentException("model header is required");
        }
        if (parameters == null) {
            throw new IllegalArgumentException("parameters are required");
        }
        int expected = header.spec().parameterCount();
        if (parameters.length != expected) {
            throw new IllegalArgumentException("parameter array has " + parameters.length + " floats, spec "
                    + header.spec() + " needs " + expected);
        }
        // Non-finite weights would poison every series' state; refuse them before they are written or served.
        for (TensorSpec t : header.spec().tensors()) {
            int bad = firstNonFinite(parameters, t.offset(), t.size());
            if (bad >= 0) {
                throw new IllegalArgumentException("tensor " + t.name() + " has non-finite value "
                        + parameters[t.offset() + bad] + " at index " + bad + " (parameter " + (t.offset() + bad) + ")");
            }
        }
    }

    /** The tensors of the parameter array, in storage order. */
    public List<TensorSpec> tensors() {
        return header.spec().tensors();
    }

    /** Index relative to {@code off} of the first NaN or infinity in {@code a[off, off+len)}, or -1. */
    static int firstNonFinite(float[] a, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (!Float.isFinite(a[off + i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelFile m && header.equals(m.header) && Arrays.equals(parameters, m.parameters);
    }

    @Override
    public int hashCode() {
        return header.hashCode() * 31 + Arrays.hashCode(parameters);
    }

    @Override
    public String toString() {
        return "ModelFile[" + header.name() + " v" + header.version() + ", " + header.spec() + ", "
                + parameters.length + " parameters]";
    }
}
