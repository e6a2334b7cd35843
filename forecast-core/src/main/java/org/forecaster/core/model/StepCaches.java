package org.forecaster.core.model;

import org.forecaster.core.cell.StepCache;

/** One network step's record for backward: each layer's {@link StepCache}, the top hidden state and the head output. */
public record StepCaches(StepCache[] layers, float[] hTop, float[] out, int maxBatch) {}
