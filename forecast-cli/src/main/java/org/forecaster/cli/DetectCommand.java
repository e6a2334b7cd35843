package org.forecaster.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.function.Supplier;
import org.apache.commons.csv.CSVFormat;
import org.forecaster.core.anomaly.AnomalyScorer;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.anomaly.TailScore;
import org.forecaster.core.data.SeriesFiles;
import org.forecaster.core.data.SeriesFiles.TimedValues;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.train.TimeSplit;
import org.forecaster.core.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the online detector over every {@code *.csv} under a folder and writes NAB-layout results. */
@Command(name = "detect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Simulate the live detector on every timestamp,value CSV under a folder.",
                "Per file: the first --probation of rows trains the first model and scores 0; then every row is"
                        + " stepped and scored in order, with a retraining every --retrain-every rows on the rows"
                        + " seen so far, a weight swap and a state re-warm. The score of row t uses rows <= t only.",
                "Writes OUT/<category>/<detector>_<file>.csv with columns timestamp,value,anomaly_score.",
                "Model defaults: LSTM, 1 layer, hidden 16, horizon 1, up to 20 epochs (patience 3) on the probation,"
                        + " batch 1, Adam 3e-3, TBPTT 48/48, Gaussian NLL, 80/20 split of the rows trained on.",
                "Example: forecast detect --data ../shared/data/nab/data --out results/lstm"})
final class DetectCommand implements Callable<Integer> {
    private static final Pattern DETECTOR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Folder of timestamp,value CSV files (sub-folders are categories).")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Results folder.")
    Path out;

    @Option(names = "--detector", defaultValue = "lstm", paramLabel = "NAME", description = "Detector name in the file names (default ${DEFAULT-VALUE}).")
    String detector;

    @Option(names = "--probation", defaultValue = "0.15", paramLabel = "FRACTION",
            description = "Leading fraction of each file used for the first training and not alerted on (default ${DEFAULT-VALUE}).")
    double probation;

    @Option(names = "--probation-cap", defaultValue = "750", paramLabel = "ROWS",
            description = "Longest probationary period in rows: NAB's rule is min(15 %% of the file, 750 rows) (default ${DEFAULT-VALUE}).")
    int probationCap;

    @Option(names = "--retrain-every", defaultValue = "1000", paramLabel = "ROWS",
            description = "Retrain after this many scored rows; 0 never retrains (default ${DEFAULT-VALUE}).")
    int retrainEvery;

    @Option(names = "--train-window", defaultValue = "0", paramLabel = "ROWS",
            description = "Retrain on at most the last this many rows; 0 uses all rows seen (default ${DEFAULT-VALUE}).")
    int trainWindow;

    @Option(names = "--retrain-epochs", defaultValue = "5", paramLabel = "N",
            description = "Epochs of each warm-started retraining (default ${DEFAULT-VALUE}).")
    int retrainEpochs;

    @Option(names = "--ring", defaultValue = "288", paramLabel = "STEPS",
            description = "Inputs remembered per key for the re-warm after a weight swap (default ${DEFAULT-VALUE}).")
    int ring;

    @Option(names = "--max-gap", defaultValue = "2016", paramLabel = "STEPS",
            description = "Longer gaps reset the recurrent state instead of being filled (default ${DEFAULT-VALUE}).")
    int maxGap;

    @Option(names = "--half-surprise", paramLabel = "L0",
            description = "Surprise -ln(tail probability) that scores 0.5 in the tail score (default 9.21, a 1e-4 tail).")
    Double halfSurprise;

    @Option(names = {"--season", "--season-minutes"}, defaultValue = "1d", paramLabel = "D",
            converter = DurationConverter.MinutesIfPlain.class,
            description = "The season, used for files whose step divides it and whose season in steps fits --ring; 0: none."
                    + " A duration like 1d or 12h; a plain number is minutes, as under the older name --season-minutes"
                    + " (default ${DEFAULT-VALUE}).")
    Duration season;

    @Option(names = "--season-input", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Feed the model the value one season earlier as an extra input (default ${DEFAULT-VALUE}).")
    boolean seasonInput;

    @Option(names = "--profile-bins", defaultValue = "96", paramLabel = "N",
            description = "Profile model (issue 15; the model service's family): a per-series smoothed level and N seasonal"
                    + " indices over --season, by time phase, whose forecast the model's mean is residual over and"
                    + " whose next-step forecast is its extra input (instead of --season-input); 0, or --season 0:"
                    + " off, the means residual over the last value (default ${DEFAULT-VALUE}).")
    int profileBins;

    @Option(names = "--seasonal-width", defaultValue = "2", paramLabel = "C",
            description = "Score a point by the smaller of its surprise under the model and under 'one season ago', whose"
                    + " spread is C times the running mean absolute seasonal difference; 0 turns it off (default ${DEFAULT-VALUE}).")
    double seasonalWidth;

    @Option(names = "--scorer", defaultValue = "novelty", paramLabel = "NAME",
            description = "novelty: the larger of a novelty flag (the value, its --mean-rows mean or the mean difference to"
                    + " one season ago leaves its range so far, widened by --range-tolerance, or the value leaves its"
                    + " recent range, see --recent-decay) and the tail score;"
                    + " tail: the tail score alone with --suppress (the scorer before novelty) (default ${DEFAULT-VALUE}).")
    ScorerName scorer;

    @Option(names = "--mean-rows", defaultValue = "24", paramLabel = "ROWS",
            description = "novelty: rows averaged for the level and seasonal-difference signals (default ${DEFAULT-VALUE}).")
    int meanRows;

    @Option(names = "--range-tolerance", defaultValue = "0.05", paramLabel = "FRACTION",
            description = "novelty: a signal is novel beyond its range so far widened by this fraction of it (default ${DEFAULT-VALUE}).")
    double rangeTolerance;

    @Option(names = "--echo-rows", defaultValue = "50", paramLabel = "ROWS",
            description = "novelty: a novelty within ROWS rows of the previous one scores 0.5 instead of 1 (default ${DEFAULT-VALUE}).")
    int echoRows;

    @Option(names = "--recent-decay", defaultValue = "1e-4", paramLabel = "FRACTION",
            description = "novelty: the value's recent range shrinks by this fraction of its width per row (half-life"
                    + " ln 2 / (2 FRACTION) rows); 0: no recent range (default ${DEFAULT-VALUE}).")
    double recentDecay;

    @Option(names = "--recent-tolerance", defaultValue = "0.3", paramLabel = "FRACTION",
            description = "novelty: the value is novel beyond its recent range widened by this fraction of it"
                    + " (default ${DEFAULT-VALUE}).")
    double recentTolerance;

    @Option(names = "--min-flag-surprise", defaultValue = "0.05", paramLabel = "L",
            description = "novelty: no flag on a row whose surprise under the prediction is below L (|z| < 0.06 at"
                    + " 0.05); 0: off (default ${DEFAULT-VALUE}).")
    double minFlagSurprise;

    @Option(names = "--suppress", defaultValue = "300", paramLabel = "ROWS",
            description = "tail: halve a score that does not exceed every score of the previous ROWS rows, so one incident"
                    + " ranks as one detection; 0 turns it off (default ${DEFAULT-VALUE}).")
    int suppress;

    /** The anomaly scorers detect offers. */
    enum ScorerName { novelty, tail }

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Training seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Files processed in parallel (default ${DEFAULT-VALUE}); results do not depend on it.")
    int threads;

    @Option(names = "--debug-columns", description = "Add expected and sigma columns (the one-step prediction) to each result file.")
    boolean debugColumns;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file of further options (key = long option name without dashes); command-line options win.")
    Path config;

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Mixin
    ProgressOption progress = new ProgressOption();

    static final int HIDDEN = 16, LAYERS = 1, EPOCHS = 20, PATIENCE = 3;

    @Override
    public Integer call() throws IOException, InterruptedException {
        OnlineDetector.Settings settings = settings();
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException("--data " + data + " is not a folder");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(data)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".csv") && Files.isRegularFile(p)).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no *.csv files under " + data);
        }
        PrintWriter log = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        OnlineDetector detector = new OnlineDetector(settings, KernelsProvider.get());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Progress p = progress.start(log, "detect", "rows", dataRows(files))) {
            p.stage("0/" + files.size() + " files");
            List<Future<String>> done = new ArrayList<>();
            for (Path f : files) {
                done.add(pool.submit(() -> detectFile(detector, f, p)));
            }
            int finished = 0;
            for (Future<String> f : done) {
                try {
                    String line = f.get();
                    p.stage(++finished + "/" + files.size() + " files");
                    p.println(line);
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof IOException io) {
                        throw io;
                    }
                    if (c instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(c);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        log.printf(Locale.ROOT, "%d files in %.1f s%n", files.size(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    OnlineDetector.Settings settings() {
        try {
            if (!DETECTOR.matcher(detector).matches()) {
                throw new IllegalArgumentException("--detector must be letters, digits, '.', '_' or '-', got '" + detector + "'");
            }
            if (season.isNegative()) {
                throw new IllegalArgumentException("--season must be 0 or more, got " + season);
            }
            if (threads < 1 || retrainEpochs < 1) {
                throw new IllegalArgumentException("--threads and --retrain-epochs must be >= 1");
            }
            ModelSpec ms = training.spec(CellType.LSTM, LAYERS, HIDDEN, 1);
            TrainConfig initial = training.apply(TrainConfig.defaults(ms).withSeed(seed).withEpochs(EPOCHS, PATIENCE)
                    .withBatchSize(1).withSplit(new TimeSplit(0.8, 0.2)));
            TrainConfig retrain = initial.withEpochs(retrainEpochs, Math.min(initial.patience(), retrainEpochs));
            Supplier<AnomalyScorer> scorers;
            if (scorer == ScorerName.novelty) {
                double half = halfSurprise != null ? halfSurprise : NoveltyScore.Spec.DEFAULT.halfSurprise();
                NoveltyScore.Spec ns = new NoveltyScore.Spec(half, seasonalWidth, 0.01, meanRows, rangeTolerance, echoRows,
                        recentDecay, recentTolerance, minFlagSurprise);
                scorers = () -> new NoveltyScore(ns);
            } else {
                double half = halfSurprise != null ? halfSurprise : TailScore.Spec.DEFAULT.halfSurprise();
                TailScore.Spec ts = new TailScore.Spec(half, suppress, seasonalWidth, 0.01);
                scorers = () -> new TailScore(ts);
            }
            return new OnlineDetector.Settings(initial, retrain, probation, probationCap, retrainEvery, trainWindow, ring, maxGap,
                    scorers, season.toMillis(), seasonInput, season.isZero() || seasonInput ? 0 : profileBins);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * Data rows of all files, for the progress bar's total: non-blank lines after each file's header, counted without
     * parsing (a few MB for NAB's 44 files), so the bar can end a little short of full on files with rejected rows.
     */
    static long dataRows(List<Path> files) throws IOException {
        long rows = 0;
        for (Path f : files) {
            try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
                rows += Math.max(0, lines.filter(l -> !l.isBlank()).count() - 1);
            }
        }
        return rows;
    }

    private String detectFile(OnlineDetector detector, Path file, Progress progress) throws IOException {
        long t0 = System.nanoTime();
        TimedValues rows = SeriesFiles.readTimedCsv(file);
        Path rel = data.relativize(file);
        OnlineDetector.Result r = detector.run(rel.toString(), rows, progress::advance);
        Path dir = rel.getParent() == null ? out : out.resolve(rel.getParent());
        Files.createDirectories(dir);
        Path target = dir.resolve(this.detector + "_" + rel.getFileName());
        List<String> raw = rawRows(file, rows.size());
        try (BufferedWriter w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            w.write(debugColumns ? "timestamp,value,anomaly_score,expected,sigma\n" : "timestamp,value,anomaly_score\n");
            for (int i = 0; i < rows.size(); i++) {
                StringBuilder line = new StringBuilder(raw.get(i)).append(',')
                        .append(String.format(Locale.ROOT, "%.9f", r.scores()[i]));
                if (debugColumns) {
                    line.append(',').append(Numbers.format(r.expected()[i])).append(',').append(Numbers.format(r.sigma()[i]));
                }
                w.write(line.append('\n').toString());
            }
        }
        return String.format(Locale.ROOT, "%s: %d rows, %d models, %.1f s", rel, rows.size(), r.models(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The timestamp and value cells of the data rows as written in the input, so results line up with the labels;
     * quoted again where a cell needs it.
     */
    private static List<String> rawRows(Path file, int expected) throws IOException {
        List<String> out = new ArrayList<>(expected);
        for (SeriesFiles.TimedCells row : SeriesFiles.readTimedCells(file)) {
            out.add(CSVFormat.DEFAULT.format(row.timestamp(), row.value()));
        }
        if (out.size() != expected) {
            throw new IllegalStateException(file + ": read " + expected + " rows but found " + out.size() + " timestamps");
        }
        return out;
    }
}
