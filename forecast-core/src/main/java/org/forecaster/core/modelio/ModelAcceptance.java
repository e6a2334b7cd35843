package org.forecaster.core.modelio;

import java.util.List;
import org.forecaster.core.model.ModelSpec;

/**
 * The rules a well-formed, signed model must also pass before it is served or published (issue 17): the record
 * key is the model's name, the architecture stays within a cap (a valid but huge model would multiply the CPU cost
 * of every point), and the version moves forward by a bounded step and stays far from {@link Long#MAX_VALUE} (a
 * version there would pin the fleet forever and overflow the trainer's next version). The model service and the
 * trainer apply the same rules, so the trainer never publishes what the service would refuse.
 *
 * @param maxLayers      most stacked recurrent layers
 * @param maxHidden      largest hidden size
 * @param maxHorizon     most forecast steps K
 * @param maxParameters  most parameters in the file
 * @param maxVersionJump largest amount by which a new version may exceed the current one
 */
public record ModelAcceptance(int maxLayers, int maxHidden, int maxHorizon, long maxParameters, long maxVersionJump) {
    /**
     * Highest version accepted: 2^53, beyond any real count of publications, exact as a double (the version gauge
     * and JSON readers hold it as one), and so far below {@link Long#MAX_VALUE} that version + 1 cannot overflow.
     */
    public static final long MAX_VERSION = 1L << 53;

    /**
     * Generous for every model the project makes (the trainer's default is 1 layer of 32, K = 1..12; its
     * 16 MiB {@code max-model-bytes} holds about 4M float32 parameters), far below the 8 layers x 500 units,
     * K = 1024 of the attack.
     */
    public static final ModelAcceptance DEFAULT = new ModelAcceptance(4, 1024, 256, 4L << 20, 1_000_000);

    /** Every {@link Rejection#reason} {@link #check} gives, for metrics registered up front. */
    public static final List<String> REASONS = List.of("key-mismatch", "too-large", "version-too-high", "version-jump");

    /** Why a model was refused: {@code reason} is a stable metric label, {@code message} names the values. */
    public record Rejection(String reason, String message) {}

    public ModelAcceptance {
        if (maxLayers < 1 || maxHidden < 1 || maxHorizon < 1 || maxParameters < 1 || maxVersionJump < 1) {
            throw new IllegalArgumentException("acceptance limits must be positive, got layers " + maxLayers + ", hidden "
                    + maxHidden + ", horizon " + maxHorizon + ", parameters " + maxParameters + ", version jump " + maxVersionJump);
        }
    }

    /**
     * Checks a decoded model's header.
     *
     * @param recordKey      the key it was published under (the file's name on the CLI), or null to skip that rule
     * @param header         the model's header
     * @param currentVersion the version serving (or in production) now, or null when there is none
     * @return null when acceptable, else the first rule it breaks
     */
    public Rejection check(String recordKey, ModelHeader header, Long currentVersion) {
        String model = "model " + header.name() + " v" + header.version();
        if (recordKey != null && !recordKey.equals(header.name())) {
            return new Rejection("key-mismatch", model + " was published under key \"" + recordKey + "\", not its name");
        }
        ModelSpec spec = header.spec();
        if (spec.layers() > maxLayers || spec.hidden() > maxHidden || spec.horizon() > maxHorizon
                || spec.parameterCount() > maxParameters) {
            return new Rejection("too-large", model + " has " + spec.layers() + " layers of " + spec.hidden() + ", horizon "
                    + spec.horizon() + " and " + spec.parameterCount() + " parameters; the cap is " + maxLayers + " layers of "
                    + maxHidden + ", horizon " + maxHorizon + " and " + maxParameters + " parameters");
        }
        if (header.version() > MAX_VERSION) {
            return new Rejection("version-too-high", model + ": versions above " + MAX_VERSION + " are refused");
        }
        if (currentVersion != null && header.version() > currentVersion && header.version() - currentVersion > maxVersionJump) {
            return new Rejection("version-jump", model + " jumps " + (header.version() - currentVersion) + " versions past v"
                    + currentVersion + "; at most " + maxVersionJump + " are allowed");
        }
        return null;
    }
}
