package org.forecaster.trainer.config;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.trainer.data.KafkaHistorySource;
import org.forecaster.trainer.data.TopicReader;
import org.forecaster.trainer.publish.EmitterModelPublisher;
import org.forecaster.trainer.publish.KafkaModelRegistry;
import org.forecaster.trainer.schedule.RetrainJob;
import org.forecaster.trainer.schedule.RunStats;
import org.forecaster.trainer.schedule.Training;

/** Adapts the plain classes to CDI: the only place that knows both the config mapping and the job's parts. */
@ApplicationScoped
public class TrainerBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    Kernels kernels() {
        return KernelsProvider.get(); // -Dforecast.kernels=scalar forces the reference kernels
    }

    @Produces
    @Singleton
    RunStats runStats() {
        return new RunStats();
    }

    @Produces
    @Singleton
    TrainerSettings settings(TrainerConfig config) {
        return TrainerSettings.from(config);
    }

    @Produces
    @Singleton
    RetrainJob retrainJob(TrainerConfig config, TrainerSettings settings, EmitterModelPublisher publisher, Kernels kernels,
                          RunStats stats, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        // Every kafka.* setting (bootstrap servers and security), as the SmallRye publishers get them; only the
        // consumer's own keys, so the readers do not warn about the rest.
        Map<String, Object> consumerConfig = new HashMap<>(kafka);
        consumerConfig.keySet().retainAll(ConsumerConfig.configNames());
        TopicReader reader = new TopicReader(consumerConfig);
        return new RetrainJob(settings, new KafkaHistorySource(reader, config.pointsTopic(), config.readTimeout()),
                new KafkaModelRegistry(reader, config.weightsTopic(), config.readTimeout()), publisher,
                Training.tbptt(kernels), kernels, stats);
    }
}
