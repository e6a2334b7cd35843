package org.forecaster.core.optim;

/**
 * Momentum as in seed 004: {@code update = mu * update + rate * g; w -= update}. Owns the update buffer.
 */
public final class Momentum implements Optimizer {
    /** The momentum used when none is given. */
    public static final double DEFAULT_MU = 0.9;
    private final float mu;
    private float[] update = new float[0];

    public Momentum(double mu) {
        if (!(mu >= 0 && mu < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + mu);
        }
        this.mu = (float) mu;
    }

    @Override
    public void init(int parameterCount) {
        update = new float[parameterCount];
    }

    @Override
    public void step(float[] params, float[] grads, double rate) {
        Nesterov.checkSize(update, params);
        float r = (float) rate;
        for (int i = 0; i < params.length; i++) {
            update[i] = mu * update[i] + r * grads[i];
            params[i] -= update[i];
        }
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(update, 0f);
    }
}
