package org.forecaster.core.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.forecaster.core.data.SeriesFiles;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.Stepper;
import org.junit.jupiter.api.Test;

/**
 * A trained model's one-step error on each series' held-back last 10 % beats the seasonal-naive forecast:
 * on noisy synthetic seasonal series and on four NAB series shipped as test resources ({@code nab/}, MIT,
 * notice beside them). The ratio is averaged over series, so one easy series cannot hide a bad one.
 */
class ModelLearnsTest {
    private static final long HOUR = 3_600_000L;
    private final Kernels kernels = KernelsProvider.get();

    /** The NAB fixtures on the test classpath. */
    static Path nabResources() {
        try {
            return Path.of(ModelLearnsTest.class.getResource("/nab/NOTICE.md").toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trains on 70 %, early-stops on 20 %, and returns the mean ratio model/seasonal-naive MAE on the last 10 %. */
    private double[] trainAndScore(String name, List<Series> data, int season, TrainConfig config) {
        TrainResult r = new TbpttTrainer(config, kernels).train(data);
        Forecaster model = new Forecaster(config.spec(), r.parameters(), kernels);
        double modelSum = 0, seasonalSum = 0, naiveSum = 0, coverage = 0;
        for (Series s : data) {
            Stepper stepper = new Stepper(model, config.normalizer(), s.stepMillis(), 0.95, 10_000, 48);
            OneStepEvaluation e = OneStepEvaluation.run(stepper, s, config.split().validationEnd(s.length()), s.length(), season);
            modelSum += e.modelMae() / e.seasonalNaiveMae();
            naiveSum += e.naiveMae() / e.seasonalNaiveMae();
            coverage += e.coverage();
        }
        int n = data.size();
        double[] out = {modelSum / n, naiveSum / n, coverage / n};
        System.out.printf("%s: %d series, %d epochs, relative MAE model/sNaive %.3f, naive/sNaive %.3f, 95%% coverage %.3f%n",
                name, n, r.epochs(), out[0], out[1], out[2]);
        return out;
    }

    private static TrainConfig config(int hidden, int epochs) {
        return TrainConfig.defaults(new ModelSpec(CellType.LSTM, 1, Features.COUNT, hidden, 1)).withEpochs(epochs, 3)
                .withBatchSize(8).withTbptt(48, 48);
    }

    @Test
    void beatsSeasonalNaiveOnNoisySeasonalSeries() {
        List<Series> data = TbpttTrainerTest.seasonal(8, 600, 0.3, 21);
        double[] r = trainAndScore("synthetic", data, 24, config(16, 15));
        assertTrue(r[0] < 0.9, "model/sNaive MAE " + r[0]);
    }

    @Test
    void beatsSeasonalNaiveOnNabSeries() throws IOException {
        List<Series> data = new ArrayList<>();
        for (String f : List.of("realAWSCloudwatch/ec2_cpu_utilization_fe7f93.csv", "realAWSCloudwatch/rds_cpu_utilization_e47b3b.csv",
                "realTweets/Twitter_volume_AAPL.csv", "artificialNoAnomaly/art_daily_small_noise.csv")) {
            var rows = SeriesFiles.readTimedCsv(nabResources().resolve(f));
            data.add(SeriesFiles.regularize(f, rows, SeriesFiles.inferStep(rows.timestamps())));
        }
        // 5-minute data: one day is 288 steps.
        double[] r = trainAndScore("NAB", data, 288, config(16, 8));
        assertTrue(r[0] < 0.9, "model/sNaive MAE " + r[0]);
    }
}
