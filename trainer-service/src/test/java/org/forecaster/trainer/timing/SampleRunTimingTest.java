package org.forecaster.trainer.timing;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.data.SeriesFiles;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.train.Series;
import org.forecaster.core.train.TrainConfig;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.WireJson;
import org.forecaster.testkit.EmbeddedKafka;
import org.forecaster.trainer.config.TrainerSettings;
import org.forecaster.trainer.data.KafkaHistorySource;
import org.forecaster.trainer.data.TopicReader;
import org.forecaster.trainer.evaluate.Gate;
import org.forecaster.core.modelio.ModelAcceptance;
import org.forecaster.core.modelio.ModelVerifier;
import org.forecaster.trainer.publish.KafkaModelRegistry;
import org.forecaster.trainer.schedule.RetrainJob;
import org.forecaster.trainer.schedule.RunReport;
import org.forecaster.trainer.schedule.RunStats;
import org.forecaster.trainer.schedule.Training;
import org.forecaster.trainer.testing.InMemoryTopics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: times one run with the production defaults (hidden 32, up to 30 epochs, patience 4, batch 32,
 * k1 = k2 = 48) on the NAB realAWSCloudwatch series, read from a real in-process broker. Runs only with
 * {@code -Dforecast.timing=true} and {@code -Dforecast.timing.nab=DIR}, the folder of NAB's realAWSCloudwatch CSV files
 * (see docs/benchmarks.md, "trainer").
 */
@EnabledIfSystemProperty(named = "forecast.timing", matches = "true")
class SampleRunTimingTest {

    @Test
    void timeOneRunOnTheNabSample() throws IOException {
        Path dir = Path.of(System.getProperty("forecast.timing.nab", "-Dforecast.timing.nab is not set"));
        List<Series> series = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                var rows = SeriesFiles.readTimedCsv(f);
                series.add(SeriesFiles.regularize(f.getFileName().toString(), rows, 300_000));
            }
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Map.of("telemetry.points", 2, "model.weights", 1), Map.of());
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (Series s : series) {
                for (int i = 0; i < s.length(); i++) {
                    if (!Float.isNaN(s.values()[i])) {
                        var ws = java.time.Instant.ofEpochMilli(s.timestamp(i));
                        double v = s.values()[i];
                        records.add(new ProducerRecord<>("telemetry.points", s.id(),
                                WireJson.write(new Point(s.id(), ws, ws.plusMillis(s.stepMillis()), 1, v, v, v, v))));
                    }
                }
            }
            kafka.send(records);
            Kernels kernels = KernelsProvider.get();
            TrainConfig train = TrainConfig.defaults(new ModelSpec(CellType.LSTM, 1, Features.COUNT, 32, 1));
            TrainerSettings settings = new TrainerSettings("global", Duration.ofDays(1), 300_000, 2000, 5000, 100, train,
                    true, 0.02, 288, 0.95, 16 << 20, false, new Gate(List.of(1, 3, 6, 12), List.of("naive", "seasonal-naive", "holt-winters"), 0.05));
            TopicReader reader = new TopicReader(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            InMemoryTopics sink = new InMemoryTopics();
            RetrainJob job = new RetrainJob(settings, new KafkaHistorySource(reader, "telemetry.points", Duration.ofMinutes(2)),
                    new KafkaModelRegistry(reader, "model.weights", Duration.ofMinutes(2), ModelVerifier.DISABLED,
                            ModelAcceptance.DEFAULT), sink, Training.tbptt(kernels), kernels, new RunStats(), null,
                    ModelAcceptance.DEFAULT);
            RunReport r = job.run(Clock.systemUTC().instant());
            System.out.printf("TIMING kernels=%s series=%d points=%d epochs=%d duration=%.1fs outcome=%s candidate relMAE=%.3f coverage=%.3f%n",
                    kernels.getClass().getSimpleName(), r.seriesCount(), r.pointsRead(), r.epochs(), r.durationMillis() / 1000.0,
                    r.outcome(), r.candidate() == null ? Double.NaN : r.candidate().relativeMae(),
                    r.candidate() == null ? Double.NaN : r.candidate().coverage());
            assertNotEquals(RunReport.Outcome.FAILED, r.outcome(), r.reason());
        }
    }
}
