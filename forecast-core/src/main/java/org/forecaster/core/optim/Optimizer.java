package org.forecaster.core.optim;

/**
 * A first-order update rule (seed 004). Lifecycle: {@link #init(int)} sizes the optimizer's own moment
 * buffers, {@link #step} updates the parameters <em>in place</em> from one gradient, {@link #reset()}
 * clears the moments. Not thread-safe.
 */
public interface Optimizer {

    /** Allocates state for {@code parameterCount} parameters and clears it. */
    void init(int parameterCount);

    /** {@code params -= update(grads)} at learning rate {@code rate}; {@code grads} is left unchanged. */
    void step(float[] params, float[] grads, double rate);

    /** Clears the moments and the step count, keeping the size. */
    void reset();

    /** Builds an optimizer from its name: {@code sgd}, {@code momentum}, {@code nesterov} or {@code adam}, with default hyper-parameters. */
    static Optimizer named(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "sgd" -> new Sgd();
            case "momentum" -> new Momentum(Momentum.DEFAULT_MU);
            case "nesterov" -> new Nesterov(Momentum.DEFAULT_MU);
            case "adam" -> new Adam(Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'; expected sgd, momentum, nesterov or adam");
        };
    }
}
