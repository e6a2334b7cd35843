package org.forecaster.trainer.publish;

/** Where the production model comes from: the compacted weights topic, or a fake in tests. */
public interface ModelRegistry {

    /** The production model of {@code modelName}; throws when the source cannot be read. */
    ProductionModel production(String modelName);
}
