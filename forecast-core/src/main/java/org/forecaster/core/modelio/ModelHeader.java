package org.forecaster.core.modelio;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.forecaster.core.model.IntervalShape;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.NormalizerSpec;

/**
 * What a model file says about its model besides the weights: identity and lineage, architecture,
 * normalisation, the data it was trained on and how well it did. Stored as the JSON header of the file
 * (the format version is the file's, not the header's).
 *
 * @param name          model name, the key on the weights topic: 1 to 128 characters of {@code [A-Za-z0-9._-]},
 *                      starting with a letter or digit (it also ends up in file names and metric labels)
 * @param version       version of this model, at least 1, increasing with every publication under {@code name}
 * @param parentVersion the version this one was trained from or challenged, or null for a first model;
 *                      when present, in {@code [1, version)}
 * @param spec          architecture; fixes the tensors and the parameter count
 * @param normalizer    per-series normalisation the model was trained with
 * @param stepMillis    the series step (window size) the model was trained for, in milliseconds, positive
 * @param trainedFrom   start of the training data range, inclusive, or null if unknown
 * @param trainedTo     end of the training data range, exclusive, or null if unknown; not before {@code trainedFrom}
 * @param seriesCount   number of series trained on, at least 0 (0 for an untrained, initialised model)
 * @param seed          seed of the training run
 * @param metrics       evaluation results by name (for example {@code "val.nll"}), finite values; may be empty; the
 *                      {@link IntervalShape} fitted on the held-back slice ({@code interval.shape.h<k>}) is one
 *                      the service uses
 * @param config        training configuration by key, for reproduction; may be empty
 * @param createdAt     when the file was produced
 */
public record ModelHeader(
        String name,
        long version,
        Long parentVersion,
        ModelSpec spec,
        NormalizerSpec normalizer,
        long stepMillis,
        Instant trainedFrom,
        Instant trainedTo,
        int seriesCount,
        long seed,
        Map<String, Double> metrics,
        Map<String, String> config,
        Instant createdAt) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /**
     * Validates every field; the maps are copied into unmodifiable maps sorted by key, so that equal headers
     * encode to identical bytes.
     */
    public ModelHeader {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "model name must be 1 to 128 characters of [A-Za-z0-9._-] starting with a letter or digit, got "
                            + (name == null ? "null" : "\"" + name + "\""));
        }
        if (version < 1) {
            throw new IllegalArgumentException("model version must be at least 1, got " + version);
        }
        if (parentVersion != null && (parentVersion < 1 || parentVersion >= version)) {
            throw new IllegalArgumentException(
                    "parent version must be in [1, " + version + ") for version " + version + ", got " + parentVersion);
        }
        if (spec == null) {
            throw new IllegalArgumentException("model spec is required");
        }
        if (normalizer == null) {
            throw new IllegalArgumentException("normalizer spec is required");
        }
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("step must be positive milliseconds, got " + stepMillis);
        }
        if (trainedFrom != null && trainedTo != null && trainedTo.isBefore(trainedFrom)) {
            throw new IllegalArgumentException(
                    "training range ends before it starts: from " + trainedFrom + " to " + trainedTo);
        }
        if (seriesCount < 0) {
            throw new IllegalArgumentException("series count must not be negative, got " + seriesCount);
        }
        metrics = sortedCopy(metrics, "metrics");
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (!Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException("metric " + e.getKey() + " must be finite, got " + e.getValue());
            }
        }
        IntervalShape.fromMetrics(metrics, spec.horizon()); // the shape's entries are read by the service: refuse bad ones here
        config = sortedCopy(config, "config");
        if (createdAt == null) {
            throw new IllegalArgumentException("createdAt is required");
        }
    }

    /** The forecast intervals' shape over the horizons stored in {@link #metrics} (flat when none is). */
    public IntervalShape intervalShape() {
        return IntervalShape.fromMetrics(metrics, spec.horizon());
    }

    private static <V> SortedMap<String, V> sortedCopy(Map<String, V> map, String what) {
        if (map == null) {
            throw new IllegalArgumentException(what + " map is required (may be empty)");
        }
        TreeMap<String, V> copy = new TreeMap<>();
        for (Map.Entry<String, V> e : map.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw new IllegalArgumentException(what + " key must be non-blank, got "
                        + (e.getKey() == null ? "null" : "\"" + e.getKey() + "\""));
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException(what + " value for " + e.getKey() + " must not be null");
            }
            copy.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableSortedMap(copy);
    }
}
