package org.forecaster.cli.scenario;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The anomaly families a scenario injects. The label name ({@link #label()}) is what {@code labels.json} carries;
 * labels written by people may use any other kind name too, the scorer only groups by it.
 */
enum AnomalyKind {
    /** One to three scrapes far off the pattern, up or down. */
    SPIKE,
    /** A permanent step of the level; the label covers the first hour after it. */
    LEVEL_SHIFT,
    /** The noise grows several times for half an hour to two hours. */
    VARIANCE_BURST,
    /** The series reports the same value (its last one) for one to four hours: a stuck exporter. */
    FLATLINE,
    /** A slow ramp away from the pattern over three to eight hours, which then stays: a leak. */
    DRIFT,
    /** No data at all for half an hour to three hours. */
    SILENCE;

    /** {@code level_shift} for {@link #LEVEL_SHIFT}. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of a label name, case-insensitive, with '-' accepted for '_'. */
    static AnomalyKind parse(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (AnomalyKind k : values()) {
            if (k.name().equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown anomaly kind '" + name + "'; known: " + names());
    }

    static String names() {
        return Arrays.stream(values()).map(AnomalyKind::label).collect(Collectors.joining(", "));
    }
}
