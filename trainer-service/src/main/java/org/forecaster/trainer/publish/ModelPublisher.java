package org.forecaster.trainer.publish;

import org.forecaster.core.modelio.ModelSignature;

/**
 * Sends a run's outputs. Both calls return once the broker has acknowledged the record and throw otherwise
 * (the run then counts as failed).
 */
public interface ModelPublisher {

    /**
     * A complete, validated weights file keyed by model name, with its signature in the record headers
     * ({@link ModelSignature#SIGNATURE_HEADER}, {@link ModelSignature#KEY_ID_HEADER}); null publishes it unsigned
     * (development only: a model service that requires signatures rejects it).
     */
    void publishWeights(String modelName, byte[] weights, ModelSignature signature);

    /** A decision record (JSON) keyed by model name. */
    void publishEvaluation(String modelName, byte[] json);
}
