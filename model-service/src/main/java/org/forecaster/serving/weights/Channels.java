package org.forecaster.serving.weights;

/** SmallRye channel names, mapped to topics in application.properties. */
public final class Channels {
    /** Model weights: every instance consumes every version. */
    public static final String WEIGHTS = "weights";

    private Channels() {}
}
