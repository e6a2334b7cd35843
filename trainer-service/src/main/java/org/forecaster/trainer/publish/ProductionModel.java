package org.forecaster.trainer.publish;

import org.forecaster.core.modelio.ModelFile;

/**
 * What the weights topic says about a model name at the start of a run.
 *
 * @param model          the latest valid model (by topic order), or null when there is none
 * @param highestVersion the highest version of any valid record (0 when none): the next one is this + 1,
 *                       so versions stay monotonic even if an older version was re-published last
 * @param invalidRecords records under the name that failed validation (skipped)
 */
public record ProductionModel(ModelFile model, long highestVersion, int invalidRecords) {
    public static final ProductionModel NONE = new ProductionModel(null, 0, 0);

    public boolean exists() {
        return model != null;
    }

    public Long version() {
        return model == null ? null : model.header().version();
    }
}
