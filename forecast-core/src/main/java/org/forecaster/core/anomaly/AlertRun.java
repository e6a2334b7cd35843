package org.forecaster.core.anomaly;

/**
 * The part of a key's state that an {@link AlertRule} reads and writes: the run of consecutive high (or, while open,
 * quiet) scores, whether an alert is open, and how many values the key has observed. The key's state implements it,
 * so the alert run is stored and restored with the rest of the state while this package stays below the state's.
 */
public interface AlertRun {
    int anomalyRun();

    void anomalyRun(int run);

    boolean alertOpen();

    void alertOpen(boolean open);

    /** Values the key has observed (a weight swap or a long gap does not reset it). */
    long observedValues();
}
