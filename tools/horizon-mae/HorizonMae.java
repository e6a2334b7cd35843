import java.nio.file.*;
import java.util.*;
import org.forecaster.core.baseline.*;
import org.forecaster.core.data.SeriesFiles;
import org.forecaster.core.kernel.*;
import org.forecaster.core.model.*;
import org.forecaster.core.optim.LrSchedule;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.train.*;

/**
 * Scaled MAE per horizon 1..12 on the last 40 % of NAB realAWSCloudwatch + realTweets (27 series, 5-minute steps):
 * per-series Holt-Winters and seasonal naive (season: a day), and global LSTMs (hidden from the second argument)
 * trained on the first 50 % (next 10 % for early stopping), walked through the online Stepper. Each series' MAE
 * is divided by its in-sample one-step naive MAE (first 60 %), then averaged over the series. Variants (first
 * argument, comma-separated): none (means residual over the last value), lag (season-lag 288 input and seasonal
 * naive base), profileN (seasonal profile of N bins over a day); the third is the NAB data folder (default
 * ../shared/data/nab/data). Measurement only (issue 15, docs/evaluation.md).
 */
public class HorizonMae {
    static final int K = 12;
    static final long DAY = 86_400_000L;
    public static void main(String[] a) throws Exception {
        List<Series> data = new ArrayList<>();
        for (String dir : new String[] {"realAWSCloudwatch", "realTweets"}) {
            try (var s = Files.list(Path.of(a.length > 2 ? a[2] : "../shared/data/nab/data", dir))) {
                for (Path f : s.sorted().toList()) {
                    var rows = SeriesFiles.readTimedCsv(f);
                    data.add(SeriesFiles.regularize(f.getFileName().toString(), rows, SeriesFiles.inferStep(rows.timestamps())));
                }
            }
        }
        Kernels kernels = KernelsProvider.get();
        int hidden = Integer.parseInt(a.length > 1 ? a[1] : "64");
        Map<String, double[]> table = new LinkedHashMap<>();
        double[] scale = new double[data.size()];
        int[] fitEnd = new int[data.size()];
        for (int i = 0; i < data.size(); i++) {
            float[] v = data.get(i).values();
            fitEnd[i] = (int) (0.6 * v.length);
            double sum = 0; int n = 0;
            for (int t = 1; t < fitEnd[i]; t++) if (!Float.isNaN(v[t]) && !Float.isNaN(v[t - 1])) { sum += Math.abs(v[t] - v[t - 1]); n++; }
            scale[i] = Math.max(sum / n, 1e-9);
        }
        // baselines
        for (String b : new String[] {"holt-winters", "seasonal-naive"}) {
            double[] acc = new double[K];
            for (int i = 0; i < data.size(); i++) {
                Series s = data.get(i);
                int season = (int) (DAY / s.stepMillis());
                Baseline base = b.equals("holt-winters") ? new HoltWinters(season) : new SeasonalNaiveForecast(season);
                double[] v = Baselines.toDoubles(s.values());
                double[] mae = base.fit(v, fitEnd[i]).walk(v, K).meanAbsoluteErrors(v, fitEnd[i], v.length);
                for (int h = 0; h < K; h++) acc[h] += mae[h] / scale[i] / data.size();
            }
            table.put(b, acc);
            print(b, acc);
        }
        for (String variant : a[0].split(",")) {
            long t0 = System.nanoTime();
            int lag = 0, bins = 0;
            if (variant.startsWith("lag")) lag = 288;
            if (variant.startsWith("profile")) bins = Integer.parseInt(variant.substring(7));
            ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.count(lag, bins), hidden, K, lag, bins, bins > 0 ? DAY : 0);
            TrainConfig cfg = TrainConfig.defaults(spec).withSeed(42).withEpochs(20, 5).withBatchSize(16)
                    .withOptimizer("adam", new LrSchedule.Constant(1e-3)).withSplit(new TimeSplit(0.5, 0.1));
            TrainResult r = new TbpttTrainer(cfg, kernels).train(data); // the split keeps the last 40 % out
            Forecaster model = new Forecaster(spec, r.parameters(), kernels);
            double[] acc = new double[K];
            for (int i = 0; i < data.size(); i++) {
                Series s = data.get(i);
                Stepper st = new Stepper(model, cfg.normalizer(), s.stepMillis(), 0.95, 100_000, Math.max(48, lag));
                KeyState state = st.newState(1);
                float[] v = s.values();
                double[] f = new double[v.length * K];
                Arrays.fill(f, Double.NaN);
                for (int t = 0; t < v.length; t++) {
                    if (Float.isNaN(v[t])) continue;
                    StepResult res = st.observe(state, s.timestamp(t), v[t], s.profileValue(t));
                    for (int h = 0; h < K; h++) f[t * K + h] = res.mean[h];
                }
                double[] sum = new double[K]; int[] cnt = new int[K];
                for (int t = fitEnd[i]; t < v.length; t++) for (int h = 1; h <= K && t + h < v.length; h++) {
                    double y = v[t + h], p = f[t * K + h - 1];
                    if (!Double.isNaN(y) && !Double.isNaN(p)) { sum[h - 1] += Math.abs(y - p); cnt[h - 1]++; }
                }
                for (int h = 0; h < K; h++) acc[h] += sum[h] / cnt[h] / scale[i] / data.size();
            }
            print(variant + " (h" + hidden + ", " + r.epochs() + " epochs, val " + String.format("%.4f", r.bestValidation())
                    + ", " + (System.nanoTime() - t0) / 1_000_000_000 + " s)", acc);
            table.put(variant, acc);
        }
    }
    static void print(String name, double[] acc) {
        StringBuilder sb = new StringBuilder(String.format("%-50s", name));
        for (double x : acc) sb.append(String.format(" %.3f", x));
        System.out.println(sb);
    }
}
