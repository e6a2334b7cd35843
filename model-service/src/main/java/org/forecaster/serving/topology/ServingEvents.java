package org.forecaster.serving.topology;

import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastRecord;

/**
 * Where the processor also hands its outputs inside the process (the series list and the SSE feed), after
 * forwarding them to Kafka. Called on stream threads: implementations must be quick and never block.
 * Under exactly-once a record seen here can still be rolled back with its transaction; Kafka is the truth.
 */
public interface ServingEvents {
    ServingEvents NONE = new ServingEvents() {
        @Override
        public void forecast(ForecastRecord r) {}

        @Override
        public void anomaly(AnomalyRecord r) {}
    };

    void forecast(ForecastRecord r);

    void anomaly(AnomalyRecord r);
}
