package org.forecaster.core.optim;

/**
 * Nesterov accelerated gradient (seed 004: the gradient taken at the look-ahead point {@code w - mu*update}).
 * Implemented in the usual re-parameterised form where the stored parameters are the look-ahead point
 * (Sutskever et al. 2013; Bengio et al. 2012), so the caller's gradient is already the look-ahead gradient:
 * {@code update = mu*update + rate*g; w -= mu*update + rate*g}. Owns the update buffer.
 */
public final class Nesterov implements Optimizer {
    private final float mu;
    private float[] update = new float[0];

    public Nesterov(double mu) {
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
        checkSize(update, params);
        float r = (float) rate;
        for (int i = 0; i < params.length; i++) {
            float g = r * grads[i];
            update[i] = mu * update[i] + g;
            params[i] -= mu * update[i] + g;
        }
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(update, 0f);
    }

    static void checkSize(float[] state, float[] params) {
        if (state.length != params.length) {
            throw new IllegalStateException("optimizer initialised for " + state.length + " parameters, stepping " + params.length);
        }
    }
}
