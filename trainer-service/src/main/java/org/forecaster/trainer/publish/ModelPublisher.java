package org.forecaster.trainer.publish;

/**
 * Sends a run's outputs. Both calls return once the broker has acknowledged the record and throw otherwise
 * (the run then counts as failed).
 */
public interface ModelPublisher {

    /** A complete, validated weights file keyed by model name. */
    void publishWeights(String modelName, byte[] weights);

    /** A decision record (JSON) keyed by model name. */
    void publishEvaluation(String modelName, byte[] json);
}
