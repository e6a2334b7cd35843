package org.forecaster.core.optim;

/**
 * Adam with bias correction (Kingma and Ba 2015; seed 004): {@code m = b1*m + (1-b1)*g},
 * {@code v = b2*v + (1-b2)*g^2}, {@code w -= rate * m_hat / (sqrt(v_hat) + eps)} with
 * {@code m_hat = m/(1-b1^t)}, {@code v_hat = v/(1-b2^t)}. Owns m, v and t.
 */
public final class Adam implements Optimizer {
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-8;
    private final double beta1, beta2, epsilon;
    private float[] m = new float[0], v = new float[0];
    private long t;

    public Adam(double beta1, double beta2, double epsilon) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("Adam needs beta1, beta2 in [0, 1) and epsilon > 0, got "
                    + beta1 + ", " + beta2 + ", " + epsilon);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    public void init(int parameterCount) {
        m = new float[parameterCount];
        v = new float[parameterCount];
        t = 0;
    }

    @Override
    public void step(float[] params, float[] grads, double rate) {
        Nesterov.checkSize(m, params);
        t++;
        float b1 = (float) beta1, b2 = (float) beta2;
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        // Fold both corrections into the step size: rate * sqrt(c2) / c1, with epsilon scaled to match.
        float stepSize = (float) (rate * Math.sqrt(c2) / c1);
        float eps = (float) (epsilon * Math.sqrt(c2));
        for (int i = 0; i < params.length; i++) {
            float g = grads[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            params[i] -= stepSize * m[i] / ((float) Math.sqrt(v[i]) + eps);
        }
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(m, 0f);
        java.util.Arrays.fill(v, 0f);
        t = 0;
    }
}
