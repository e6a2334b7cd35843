package org.forecaster.serving.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.serving.weights.ModelHolder;
import org.forecaster.serving.metrics.ServingMetrics;

/**
 * The forecasting topology on plain {@link KafkaStreams} with exactly-once, as its own process so that
 * {@link ExactRecoveryIT} can kill it with SIGKILL mid-stream. Arguments: bootstrap servers, application id,
 * state directory, model file, output topic prefix. Runs until killed.
 */
public final class RecoveryWorker {
    private RecoveryWorker() {}

    public static KafkaStreams streams(String bootstrap, String appId, Path stateDir, byte[] model, String prefix) {
        ServingMetrics metrics = new ServingMetrics(new SimpleMeterRegistry());
        ModelHolder holder = new ModelHolder(KernelsProvider.get(), metrics);
        ModelHolder.Verdict v = holder.offer(model);
        if (!v.accepted()) {
            throw new IllegalArgumentException(v.message());
        }
        ServingSpec d = ServingSpec.defaults();
        ServingSpec spec = new ServingSpec(d.pointsTopic(), prefix + ".forecasts", prefix + ".anomalies", prefix + ".dlq",
                d.storeName(), d.storeType(), d.intervalLevel(), d.maxGapSteps(), d.ringCapacity(), 10, d.scorer(), d.novelty(),
                d.season(), d.alertRule(), d.stateTtl(), d.ttlScanInterval(), d.modelWait(), d.alertKinds());
        Properties p = ServingBenchKit.baseStreamsProps(bootstrap, appId, stateDir);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
        // Small polls so that a kill lands between many small transactions.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 200);
        KafkaStreams streams = new KafkaStreams(ServingTopology.build(spec, holder, metrics, ServingEvents.NONE), p);
        streams.setStateListener((to, from) -> System.out.println(appId + ": " + from + " -> " + to));
        streams.setUncaughtExceptionHandler(e -> {
            System.out.println(appId + ": stream thread failed: " + e);
            e.printStackTrace(System.out);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        return streams;
    }

    public static void main(String[] args) throws Exception {
        KafkaStreams s = streams(args[0], args[1], Path.of(args[2]), Files.readAllBytes(Path.of(args[3])), args[4]);
        s.start();
        new CountDownLatch(1).await();
    }
}
