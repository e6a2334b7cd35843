package org.forecaster.core.train;

/** Training diverged: a loss or gradient norm became NaN or infinite. No parameters were updated by that step. */
public final class NonFiniteLossException extends RuntimeException {
    public NonFiniteLossException(String message) {
        super(message);
    }
}
