package org.forecaster.core.cell;

/** The standard LSTM (seed 002/003): see {@link LstmFamily} for equations and parameter layout. */
public final class LstmCell extends LstmFamily {
    public LstmCell(int inputs, int hidden) {
        super(inputs, hidden, false);
    }
}
