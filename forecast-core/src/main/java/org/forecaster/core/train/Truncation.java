package org.forecaster.core.train;

/** Where truncated backpropagation through time cuts each loss's gradient ({@link TbpttTrainer}). */
public enum Truncation {
    /**
     * Williams and Peng's TBPTT(k1, k2), the default: every k1 steps, the losses of the last k1 steps backpropagate
     * together, in one backward sweep, through the last k2 steps. The newest loss sees k2 steps of history, the
     * oldest only k2 - k1 + 1.
     */
    WILLIAMS_PENG,
    /**
     * The seed notes' definition: every loss backpropagates through exactly the k2 steps up to its own step (k1 still
     * sets how often the parameters update). One backward sweep of k2 steps per loss, so an update costs k1 times the
     * backward work of {@link #WILLIAMS_PENG}'s.
     */
    PER_LOSS
}
