package org.forecaster.serving.weights;

import org.forecaster.core.model.Forecaster;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelHeader;

/**
 * A validated model ready to serve: its file (header + parameters) and the network over those parameters.
 * Immutable and shared by every stream thread ({@link Forecaster} keeps no per-call state).
 */
public record LoadedModel(ModelFile file, Forecaster forecaster) {
    public ModelHeader header() {
        return file.header();
    }

    public long version() {
        return file.header().version();
    }
}
