package org.forecaster.core.modelio;

import java.io.Serial;

/**
 * A model file that cannot be loaded: the message names what is wrong and the values involved, and
 * {@link #reason()} classifies it (for a rejection metric, or a test). Callers that receive weights from
 * the network keep the model they have when this is thrown.
 */
public final class ModelFormatException extends IllegalArgumentException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** What kind of defect the file has. */
    public enum Reason {
        /** The file does not start with {@link FormatVersion#MAGIC}. */
        MAGIC,
        /** The format version is not one this reader supports. */
        VERSION,
        /** The file ends before a field it declares. */
        TRUNCATED,
        /** A length or count field exceeds its limit (checked before anything is allocated). */
        OVERSIZED,
        /** A structural field has an impossible value (zero-length name, non-positive dimension). */
        MALFORMED,
        /** Bytes follow the checksum. */
        TRAILING,
        /** The stored CRC32C differs from the one computed over the content. */
        CHECKSUM,
        /** The JSON header does not parse, or its values are invalid. */
        HEADER,
        /** The tensors stored differ in number, name or shape from those the header's spec defines. */
        SHAPE,
        /** A parameter is NaN or infinite. */
        NON_FINITE
    }

    private final Reason reason;

    ModelFormatException(Reason reason, String message) {
        this(reason, message, null);
    }

    ModelFormatException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The kind of defect. */
    public Reason reason() {
        return reason;
    }
}
