package org.forecaster.core.wire;

/**
 * Default topic names (DESIGN.md), shared by the services, the CLI, the launcher and the tests. Every service
 * takes the real names from its configuration; these are the defaults it documents. Dotted, never
 * underscored (Kafka metric names collide on '.' vs '_').
 */
public final class Topics {
    public static final String RAW = "telemetry.raw";
    public static final String POINTS = "telemetry.points";
    public static final String DLQ = "telemetry.dlq";
    public static final String FORECASTS = "forecasts";
    public static final String ANOMALIES = "anomalies";
    public static final String WEIGHTS = "model.weights";
    public static final String EVALUATIONS = "model.evaluations";

    /** Headers on every dead-lettered record: why, and where it came from. */
    public static final String DLQ_REASON = "dlq.reason";
    public static final String DLQ_MESSAGE = "dlq.message";
    public static final String DLQ_SOURCE_TOPIC = "dlq.source.topic";
    public static final String DLQ_SOURCE_PARTITION = "dlq.source.partition";
    public static final String DLQ_SOURCE_OFFSET = "dlq.source.offset";
    /** Header of an event re-sent from the dead-letter topic by {@code forecast redrive}: how many times it was. */
    public static final String REDRIVE_COUNT = "forecast.redrive.count";

    private Topics() {}
}
