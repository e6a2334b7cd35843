package org.forecaster.core.train;

import java.util.List;

/**
 * The outcome of a training run: the parameters with the best validation loss, and the history.
 *
 * @param parameters     best parameters (owned by the caller)
 * @param epochs         epochs run
 * @param updates        optimizer steps taken
 * @param bestValidation best validation loss per target (NaN if there was no validation data)
 * @param trainLoss      mean training loss per epoch
 * @param validationLoss validation loss per epoch
 */
public record TrainResult(float[] parameters, int epochs, long updates, double bestValidation,
                          List<Double> trainLoss, List<Double> validationLoss) {}
