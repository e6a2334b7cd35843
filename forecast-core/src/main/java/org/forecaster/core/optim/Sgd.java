package org.forecaster.core.optim;

/** Plain gradient descent: {@code w -= rate * g}. No state. */
public final class Sgd implements Optimizer {
    @Override
    public void init(int parameterCount) {}

    @Override
    public void step(float[] params, float[] grads, double rate) {
        float r = (float) rate;
        for (int i = 0; i < params.length; i++) {
            params[i] -= r * grads[i];
        }
    }

    @Override
    public void reset() {}
}
