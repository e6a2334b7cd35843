package org.forecaster.core.train;

/**
 * Splits every series across time, never shuffled: the first {@code train} fraction trains, the next
 * {@code validation} fraction decides early stopping, the rest is the test set (default 70/20/10).
 */
public record TimeSplit(double train, double validation) {
    public static final TimeSplit DEFAULT = new TimeSplit(0.7, 0.2);

    public TimeSplit {
        if (!(train > 0 && validation >= 0 && train + validation <= 1)) {
            throw new IllegalArgumentException("split needs train > 0, validation >= 0, train + validation <= 1; got "
                    + train + ", " + validation);
        }
    }

    /** End (exclusive) of the training range of a series of length n. */
    public int trainEnd(int n) {
        return (int) Math.floor(n * train);
    }

    /** End (exclusive) of the validation range of a series of length n. */
    public int validationEnd(int n) {
        return validation == 0 && train + validation == 1 ? n : (int) Math.floor(n * (train + validation));
    }
}
