package org.forecaster.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.train.Series;
import org.forecaster.core.train.TbpttTrainer;
import org.forecaster.core.train.TrainConfig;
import org.forecaster.core.train.TrainResult;

/**
 * Training throughput of core's TBPTT trainer in series-steps per second: one series advanced by one step,
 * forward and backward, including the optimizer updates. A plain main, not JMH: one epoch takes seconds, so
 * timer resolution and dead-code elimination do not matter, and the whole epoch is what a trainer run pays.
 *
 * <p>Each measurement is {@code train()} with one epoch (initialisation, one pass over the 70 % training
 * ranges, one forward pass over the validation ranges); the validation pass is timed on its own and
 * subtracted for the training-only figure. Kernels as chosen by {@link KernelsProvider}
 * ({@code -Dforecast.kernels=scalar} for the reference).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     org.forecaster.benchmarks.TrainingThroughputBenchmark [hidden=64] [batch=32] [k=48] [series=64] [length=1500] [reps=3]
 * </pre>
 */
public final class TrainingThroughputBenchmark {
    private static final long HOUR = 3_600_000L;

    public static void main(String[] args) {
        int hidden = arg(args, "hidden", 64), batch = arg(args, "batch", 32), k = arg(args, "k", 48);
        int seriesCount = arg(args, "series", 64), length = arg(args, "length", 1500), reps = arg(args, "reps", 3);
        Kernels kernels = KernelsProvider.get();
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, hidden, 1);
        TrainConfig config = TrainConfig.defaults(spec).withBatchSize(batch).withTbptt(k, k).withEpochs(1, 1);
        List<Series> data = seasonal(seriesCount, length, 17);
        long trainSteps = 0, validationSteps = 0;
        for (Series s : data) {
            trainSteps += config.split().trainEnd(s.length());
            validationSteps += config.split().validationEnd(s.length());
        }
        TbpttTrainer trainer = new TbpttTrainer(config, kernels);
        System.out.printf("kernels %s, LSTM hidden %d, batch %d, k1 = k2 = %d, %d series x %d steps (%d training series-steps per epoch)%n",
                kernels.getClass().getSimpleName(), hidden, batch, k, seriesCount, length, trainSteps);

        TrainResult warm = trainer.train(data); // JIT warm-up
        double[] epoch = new double[reps], validation = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            TrainResult res = trainer.train(data);
            long t1 = System.nanoTime();
            trainer.evaluate(res.parameters(), data, TbpttTrainer.Range.VALIDATION);
            long t2 = System.nanoTime();
            epoch[r] = (t1 - t0) / 1e9;
            validation[r] = (t2 - t1) / 1e9;
            if (!Double.isFinite(res.trainLoss().getFirst()) || res.updates() != warm.updates()) {
                throw new IllegalStateException("unexpected training result " + res.trainLoss() + ", " + res.updates() + " updates");
            }
        }
        for (int r = 0; r < reps; r++) {
            double trainOnly = epoch[r] - validation[r];
            System.out.printf("rep %d: epoch %.2f s (incl. validation forward %.2f s over %d steps): %.0f series-steps/s incl. validation, %.0f training-only%n",
                    r, epoch[r], validation[r], validationSteps, trainSteps / epoch[r], trainSteps / trainOnly);
        }
        double best = Double.MAX_VALUE, bestTrain = Double.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            best = Math.min(best, epoch[r]);
            bestTrain = Math.min(bestTrain, epoch[r] - validation[r]);
        }
        System.out.printf("best: %.0f series-steps/s per epoch incl. validation, %.0f training-only (%d updates per epoch)%n",
                trainSteps / best, trainSteps / bestTrain, warm.updates());
    }

    private static int arg(String[] args, String name, int dflt) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return dflt;
    }

    /** Hourly daily-seasonal series with noise, levels and amplitudes drawn per series (seeded). */
    static List<Series> seasonal(int count, int length, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Series> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            double level = 50 + 100 * rnd.nextDouble(), amp = 5 + 20 * rnd.nextDouble(), phase = rnd.nextDouble() * 24;
            float[] v = new float[length];
            for (int t = 0; t < length; t++) {
                v[t] = (float) (level + amp * Math.sin(2 * Math.PI * (t + phase) / 24) + 0.3 * amp * rnd.nextGaussian());
            }
            out.add(new Series("s" + s, 0, HOUR, v));
        }
        return out;
    }
}
