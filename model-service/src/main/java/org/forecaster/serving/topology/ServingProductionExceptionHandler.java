package org.forecaster.serving.topology;

import io.quarkus.logging.Log;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;

/**
 * A record the broker will never take (too large) or that cannot be serialized is skipped with one
 * ERROR line, so a poison record cannot stop the stream; every other send failure fails the task, which
 * under exactly-once aborts the transaction and is retried after restart (nothing is lost).
 */
public final class ServingProductionExceptionHandler implements ProductionExceptionHandler {
    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            Log.errorf(exception, "skipping a record to %s the broker will not accept (from %s-%d@%d)", record.topic(),
                    context.topic(), context.partition(), context.offset());
            return ProductionExceptionHandlerResponse.CONTINUE;
        }
        Log.errorf(exception, "cannot send to %s (from %s-%d@%d); failing the task", record.topic(), context.topic(), context.partition(), context.offset());
        return ProductionExceptionHandlerResponse.FAIL;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                                                         SerializationExceptionOrigin origin) {
        Log.errorf(exception, "skipping a record for %s whose %s cannot be serialized (from %s-%d@%d)", record.topic(),
                origin.name().toLowerCase(), context.topic(), context.partition(), context.offset());
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    @Override
    public void configure(Map<String, ?> configs) {}
}
