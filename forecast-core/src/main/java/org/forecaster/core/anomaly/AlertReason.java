package org.forecaster.core.anomaly;

/**
 * What kind of change opened an alert (issue 15), as carried in the {@code reason} field of an alert record. One
 * alert is open per key at a time; its reason is the kind that opened it, and its RESOLVED record carries the same.
 */
public enum AlertReason {
    /** The anomaly score passed the alert threshold and none of the kinds below explained it. */
    SCORE("score", 1),
    /** One point (or a brief excursion of fewer points than confirm a level shift) far from the prediction, then back. */
    SPIKE("spike", 2),
    /** A jump far from the prediction after which the values stayed at the new level. */
    LEVEL_SHIFT("level-shift", 3),
    /** Many large one-step errors in a short window: the noise grew for a while. */
    VARIANCE_BURST("variance-burst", 4),
    /** The series' day-long average moved away from its long-run average. */
    DRIFT("drift", 5),
    /** The same value repeated for many points by a series that normally varies. */
    FLATLINE("flatline", 6),
    /** No point for many steps: the series stopped reporting. */
    SILENT("silent", 7);

    private final String wireName;
    private final byte code;

    AlertReason(String wireName, int code) {
        this.wireName = wireName;
        this.code = (byte) code;
    }

    /** The name in alert records ({@code level-shift}, ...). */
    public String wireName() {
        return wireName;
    }

    /** The byte the key-state codec stores (0 stands for none). */
    public byte code() {
        return code;
    }

    /** The reason stored as {@code code}, or null for 0; throws IllegalArgumentException for an unknown code. */
    public static AlertReason ofCode(byte code) {
        if (code == 0) {
            return null;
        }
        for (AlertReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("alert reason code " + code + " is not known");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
