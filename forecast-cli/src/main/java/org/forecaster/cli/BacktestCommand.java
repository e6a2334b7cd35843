package org.forecaster.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.forecaster.core.data.SeriesFiles;
import org.forecaster.core.kernel.Kernels;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Forecaster;
import org.forecaster.core.model.IntervalShape;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.model.StepResult;
import org.forecaster.core.model.Stepper;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelHeader;
import org.forecaster.core.modelio.ModelWriter;
import org.forecaster.core.state.KeyState;
import org.forecaster.core.train.IntervalShapeFit;
import org.forecaster.core.train.Series;
import org.forecaster.core.train.TbpttTrainer;
import org.forecaster.core.train.TimeSplit;
import org.forecaster.core.train.TrainConfig;
import org.forecaster.core.train.TrainResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains one global model on every series of an M4-format file and writes each series' H-step forecast
 * from the end of its data. The model's head forecasts all H steps at once (multi-step training targets),
 * and each series is run through the online {@link Stepper} from its first point, as the model service would
 * run it, so the forecast is the stepper's K-step output after the last point.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train one global model on every series of a file and write each series' H-step forecast.",
                "Each series' own tail (--validation) is held back for early stopping; the model then runs"
                        + " over each whole series through the online stepper and forecasts from its end.",
                "Model defaults: LSTM, 1 layer, hidden 64, horizon H, up to 30 epochs (patience 8), batch 16, Adam 1e-3,"
                        + " TBPTT 48/48, Gaussian NLL, a per-series seasonal profile over --season steps (the model service's"
                        + " family: means residual over the profile's forecast; see --profile-bins).",
                "Example: forecast backtest --format m4 --train Hourly-train.csv --horizon 48 --season 24 --out f.csv"})
final class BacktestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "Input layout: 'm4' (a V1 id column, then the values; rows of different lengths) or 'csv'"
                    + " (--train is a timestamp,value file or a folder of them; one series per file, step inferred).")
    String format;

    @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training file (every series, up to its last known value).")
    Path train;

    @Option(names = "--horizon", required = true, paramLabel = "H", description = "Steps to forecast.")
    int horizon;

    @Option(names = "--season", required = true, paramLabel = "S",
            description = "Seasonal period in steps (24 for hourly data): the lag of the seasonal model (see --season-input).")
    int season;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Mean forecasts, 'id,F1..FH' with a header line.")
    Path out;

    @Option(names = "--lower", paramLabel = "FILE", description = "Lower interval bounds, same layout.")
    Path lower;

    @Option(names = "--upper", paramLabel = "FILE", description = "Upper interval bounds, same layout.")
    Path upper;

    @Option(names = "--level", paramLabel = "PCT", defaultValue = "95", description = "Central interval coverage in percent (default ${DEFAULT-VALUE}).")
    double level;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed for initialisation and batch order (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--step", paramLabel = "D", defaultValue = "1h", converter = DurationConverter.MillisIfPlain.class,
            description = "Step of the series, as M4 files carry no timestamps: a duration like 1h or 5m; a plain number is"
                    + " milliseconds (default ${DEFAULT-VALUE}).")
    Duration step;

    @Option(names = "--validation", paramLabel = "FRACTION", defaultValue = "0.1",
            description = "Tail fraction of every series held back for early stopping (default ${DEFAULT-VALUE}).")
    double validation;

    @Option(names = "--season-input", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --profile-bins 0, the seasonal-lag model: feed it the value one season (--season) before each forecast step as an extra"
                    + " input and make its means residual over the seasonal-naive forecast (default ${DEFAULT-VALUE};"
                    + " --no-season-input: residual over the last value, no lag input).")
    boolean seasonInput;

    @Option(names = "--profile-bins", paramLabel = "N", defaultValue = "-1",
            description = "Profile model (issue 15, the default): keep per series a smoothed level and N seasonal indices"
                    + " over one season (--season steps), by time phase; the means are residual over its forecast and its"
                    + " next-step forecast is the extra input. -1 (the default): one bin per season step, at most "
                    + AUTO_PROFILE_BINS_MAX + "; 0: off, the seasonal-lag model of --season-input instead.")
    int profileBins;

    /** Most bins the default profile takes: the model service's 144 daily bins (10 minutes) keep a key under 1.5 KB. */
    static final int AUTO_PROFILE_BINS_MAX = 144;

    @Option(names = "--ensemble", paramLabel = "N", defaultValue = "1",
            description = "Train N models with seeds --seed, --seed+1, ... and write the per-step median of their forecasts"
                    + " and bounds (default ${DEFAULT-VALUE}; --save-model saves the first).")
    int ensemble;

    @Option(names = "--save-model", paramLabel = "FILE", description = "Also write the trained model (the weights-topic format).")
    Path saveModel;

    @Option(names = "--model-name", paramLabel = "NAME", defaultValue = "global",
            description = "Name in the saved model's header, the key it is published under (default ${DEFAULT-VALUE}, the services' default).")
    String modelName;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file of further options (key = long option name without dashes); command-line options win.")
    Path config;

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Mixin
    ProgressOption progress = new ProgressOption();

    /** Defaults for this command (the rest come from TrainConfig.defaults). */
    /**
     * Patience 15 of up to 40 epochs: some seeds hover near their first loss for 10-15 epochs before training takes
     * off, and patience 8 stopped 3 of 8 seeds of the bundled model's corpus there (validation loss +0.08 against
     * -0.73..-0.78 for the rest); with 15 all 8 took off (docs/evaluation.md, "Early stopping").
     */
    static final int HIDDEN = 64, LAYERS = 1, EPOCHS = 40, PATIENCE = 15, BATCH = 16;
    /** Adam's rate: 1e-3 with hidden 64 beat the core default 3e-3 with hidden 40 on M4 Hourly (docs/evaluation.md). */
    static final double LEARNING_RATE = 1e-3;

    @Override
    public Integer call() throws IOException {
        boolean csv = format.equalsIgnoreCase("csv");
        if (!csv && !format.equalsIgnoreCase("m4")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown --format '" + format + "'; supported: m4, csv");
        }
        TrainConfig cfg = config();
        PrintWriter log = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        List<Series> data = csv ? readCsvSeries(train) : SeriesFiles.readM4(train, step.toMillis());
        if (data.isEmpty()) {
            throw new IllegalArgumentException(train + " holds no series");
        }
        Kernels kernels = KernelsProvider.get();
        List<String> ids = new ArrayList<>();
        for (Series s : data) {
            ids.add(s.id());
        }
        // members.get(m).get(i): member m's {mean, lower, upper} of series i
        List<List<double[][]>> members = new ArrayList<>();
        TrainResult first = null;
        for (int m = 0; m < ensemble; m++) {
            TrainConfig mc = cfg.withSeed(cfg.seed() + m);
            String member = ensemble > 1 ? "model " + (m + 1) + "/" + ensemble + "  " : "";
            TrainResult r;
            // The bar covers one epoch at a time: early stopping makes the number of epochs, and so a total ETA, unknown.
            try (Progress p = progress.start(log, "backtest", "batches", -1)) {
                r = new TbpttTrainer(mc, kernels, (epoch, batch, batches) -> {
                    if (batch == 1) {
                        p.restart(member + "epoch " + (epoch + 1) + "/" + mc.maxEpochs(), batches);
                    }
                    p.advance();
                }).train(data);
            }
            first = first == null ? r : first;
            Forecaster model = new Forecaster(mc.spec(), r.parameters(), kernels);
            log.printf(Locale.ROOT, "model %d (seed %d) trained on %d series: %d epochs, %d updates, best validation loss %.4f (%.1f s)%n",
                    m + 1, mc.seed(), data.size(), r.epochs(), r.updates(), r.bestValidation(), (System.nanoTime() - t0) / 1e9);
            log.println("  loss per epoch (training / validation): " + lossHistory(r));
            List<double[][]> f = new ArrayList<>();
            try (Progress p = progress.start(log, "backtest", "series", data.size())) {
                p.stage(member + "forecast");
                for (Series s : data) {
                    f.add(forecast(model, mc, s));
                    p.advance();
                }
            }
            members.add(f);
        }
        List<double[][]> forecasts = members.size() == 1 ? members.get(0) : median(members);
        TrainResult r = first;
        write(out, ids, forecasts, 0);
        if (lower != null) {
            write(lower, ids, forecasts, 1);
        }
        if (upper != null) {
            write(upper, ids, forecasts, 2);
        }
        if (saveModel != null) {
            saveModel(cfg, r, data);
        }
        log.printf(Locale.ROOT, "wrote %d forecasts of %d steps to %s (%.1f s in all)%n", ids.size(), horizon, out,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** One series per {@code timestamp,value} file (a file, or the *.csv files of a folder), on its own inferred step. */
    static List<Series> readCsvSeries(Path path) throws IOException {
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (var s = Files.list(path)) {
                files = s.filter(f -> f.getFileName().toString().endsWith(".csv")).sorted().toList();
            }
        } else {
            files = List.of(path);
        }
        List<Series> out = new ArrayList<>();
        for (Path f : files) {
            SeriesFiles.TimedValues rows = SeriesFiles.readTimedCsv(f);
            String id = f.getFileName().toString().replaceFirst("\\.csv$", "");
            out.add(SeriesFiles.regularize(id, rows, SeriesFiles.inferStep(rows.timestamps())));
        }
        return out;
    }

    TrainConfig config() {
        try {
            if (horizon < 1 || season < 1) {
                throw new IllegalArgumentException("--horizon and --season must be >= 1, got " + horizon + " and " + season);
            }
            if (!(level > 0 && level < 100)) {
                throw new IllegalArgumentException("--level must be in (0, 100), got " + level);
            }
            if (step.toMillis() <= 0) {
                throw new IllegalArgumentException("--step must be at least 1ms, got " + DurationConverter.format(step));
            }
            if (ensemble < 1 || ensemble > 100) {
                throw new IllegalArgumentException("--ensemble must be in 1..100, got " + ensemble);
            }
            if (!(validation > 0 && validation < 1)) {
                throw new IllegalArgumentException("--validation must be in (0, 1), got " + validation);
            }
            if (profileBins < -1) {
                throw new IllegalArgumentException("--profile-bins must be >= 0 (or -1: one per season step), got " + profileBins);
            }
            int bins = profileBins == -1 ? (season >= 2 ? Math.min(season, AUTO_PROFILE_BINS_MAX) : 0) : profileBins;
            ModelSpec ms = training.spec(CellType.LSTM, LAYERS, HIDDEN, horizon,
                    seasonInput && bins == 0 ? season : 0, bins, season * step.toMillis());
            TrainConfig base = TrainConfig.defaults(ms).withSeed(seed).withEpochs(EPOCHS, PATIENCE).withBatchSize(BATCH)
                    .withOptimizer("adam", new org.forecaster.core.optim.LrSchedule.Constant(LEARNING_RATE))
                    .withSplit(new TimeSplit(1 - validation, validation));
            return training.apply(base);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** {mean, lower, upper} of the H steps after the series' last point, from the online stepper. */
    private double[][] forecast(Forecaster model, TrainConfig cfg, Series s) {
        Stepper stepper = new Stepper(model, cfg.normalizer(), s.stepMillis(), level / 100, Integer.MAX_VALUE, Math.max(1, season));
        KeyState state = stepper.newState(1);
        StepResult last = null;
        float[] v = s.values();
        for (int t = 0; t < v.length; t++) {
            if (!Float.isNaN(v[t])) {
                last = stepper.observe(state, s.timestamp(t), v[t], s.profileValue(t));
            }
        }
        if (last == null) {
            throw new IllegalArgumentException("series " + s.id() + " has no values");
        }
        return new double[][] {last.mean.clone(), last.lower.clone(), last.upper.clone()};
    }

    /** The per-series, per-row, per-step median over the ensemble's members (mean of the middle two for an even count). */
    static List<double[][]> median(List<List<double[][]>> members) {
        int n = members.get(0).size();
        List<double[][]> out = new ArrayList<>(n);
        double[] xs = new double[members.size()];
        for (int i = 0; i < n; i++) {
            double[][] first = members.get(0).get(i);
            double[][] med = new double[first.length][first[0].length];
            for (int row = 0; row < first.length; row++) {
                for (int k = 0; k < first[row].length; k++) {
                    for (int m = 0; m < xs.length; m++) {
                        xs[m] = members.get(m).get(i)[row][k];
                    }
                    java.util.Arrays.sort(xs);
                    int h = xs.length / 2;
                    med[row][k] = xs.length % 2 == 1 ? xs[h] : (xs[h - 1] + xs[h]) / 2;
                }
            }
            out.add(med);
        }
        return out;
    }

    private static void write(Path file, List<String> ids, List<double[][]> forecasts, int which) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            int h = forecasts.isEmpty() ? 0 : forecasts.get(0)[which].length;
            StringBuilder head = new StringBuilder("id");
            for (int k = 1; k <= h; k++) {
                head.append(",F").append(k);
            }
            w.write(head.append('\n').toString());
            for (int i = 0; i < ids.size(); i++) {
                StringBuilder line = new StringBuilder(ids.get(i));
                for (double x : forecasts.get(i)[which]) {
                    line.append(',').append(Numbers.format(x));
                }
                w.write(line.append('\n').toString());
            }
        }
    }

    private void saveModel(TrainConfig cfg, TrainResult r, List<Series> data) throws IOException {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (Double.isFinite(r.bestValidation())) {
            metrics.put("val.loss", r.bestValidation());
        }
        Map<String, String> conf = new LinkedHashMap<>(cfg.describe());
        conf.put("source", train.getFileName().toString());
        long step = data.get(0).stepMillis();
        for (Series s : data) {
            if (s.stepMillis() != step) {
                throw new IllegalArgumentException("--save-model needs one step for all series; " + s.id() + " has "
                        + s.stepMillis() + " ms, " + data.get(0).id() + " has " + step + " ms");
            }
        }
        IntervalShape shape = intervalShape(cfg, r, data);
        shape.putInto(metrics);
        spec.commandLine().getErr().println("interval shape fitted on the validation slice: " + shape);
        ModelHeader h = new ModelHeader(modelName, 1, null, cfg.spec(), cfg.normalizer(), step, null, null,
                data.size(), cfg.seed(), metrics, conf, Instant.now());
        Files.write(saveModel, ModelWriter.write(new ModelFile(h, r.parameters())));
    }

    /**
     * The saved model's interval shape, fitted on each series' validation slice (the part early stopping held back)
     * through the online stepper, as the service will run it.
     */
    private IntervalShape intervalShape(TrainConfig cfg, TrainResult r, List<Series> data) {
        Forecaster model = new Forecaster(cfg.spec(), r.parameters(), KernelsProvider.get());
        IntervalShape flat = IntervalShape.flat(cfg.spec().horizon());
        IntervalShapeFit fit = new IntervalShapeFit(flat, level / 100);
        for (Series s : data) {
            Stepper stepper = new Stepper(model, cfg.normalizer(), s.stepMillis(), level / 100, Integer.MAX_VALUE,
                    Math.max(1, season), flat);
            fit.add(stepper, s, cfg.split().trainEnd(s.length()), s.length());
        }
        return fit.shape();
    }

    /** "1: 0.512 / 0.430, 2: ..." so a run that stalled (a plateau, an early stop) shows where. */
    private static String lossHistory(TrainResult r) {
        StringBuilder out = new StringBuilder();
        for (int e = 0; e < r.validationLoss().size(); e++) {
            out.append(e == 0 ? "" : ", ").append(e + 1).append(": ")
                    .append(String.format(Locale.ROOT, "%.3f / %.3f", r.trainLoss().get(e), r.validationLoss().get(e)));
        }
        return out.toString();
    }
}
