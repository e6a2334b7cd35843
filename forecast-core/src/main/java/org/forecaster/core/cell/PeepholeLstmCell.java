package org.forecaster.core.cell;

/**
 * The peephole LSTM (seed 002, Gers and Schmidhuber 2000): i and f also see {@code c_prev}, o sees the new
 * {@code c}, through diagonal weights {@code p [3, H]}. See {@link LstmFamily}.
 */
public final class PeepholeLstmCell extends LstmFamily {
    public PeepholeLstmCell(int inputs, int hidden) {
        super(inputs, hidden, true);
    }
}
