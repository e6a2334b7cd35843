package org.forecaster.core.model;

/** The recurrent cell of every layer of a model. Equations: {@code ../shared/seeds} 002 (LSTM, peephole) and 003 (GRU). */
public enum CellType {
    /** Gates i, f, g, o; {@code c' = f*c + i*g}; {@code h' = o*tanh(c')}. State per key: h then c. */
    LSTM(4, 2),
    /** Update and reset gates; {@code h' = (1-z)*h + z*tanh(W[r*h, x])}. State per key: h. */
    GRU(3, 1),
    /** LSTM whose i and f gates see {@code c}, and o sees {@code c'} (Gers and Schmidhuber). State per key: h then c. */
    PEEPHOLE_LSTM(4, 2);

    private final int gates;
    private final int stateVectors;

    CellType(int gates, int stateVectors) {
        this.gates = gates;
        this.stateVectors = stateVectors;
    }

    /** Number of H-sized pre-activation blocks the gate matrix produces. */
    public int gates() {
        return gates;
    }

    /** Floats of recurrent state per key and layer, in units of the hidden size (h, or h and c). */
    public int stateVectors() {
        return stateVectors;
    }
}
