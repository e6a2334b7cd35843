package org.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.core.anomaly.TailScore;
import org.forecaster.core.data.SeriesFiles;
import org.forecaster.core.data.SeriesFiles.TimedValues;
import org.forecaster.core.kernel.KernelsProvider;
import org.forecaster.core.model.CellType;
import org.forecaster.core.model.Features;
import org.forecaster.core.model.ModelSpec;
import org.forecaster.core.train.TimeSplit;
import org.forecaster.core.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** detect end to end on the bundled NAB samples, and the online detector's lack of look-ahead. */
class DetectCommandTest {
    @TempDir
    Path dir;

    static Path nab() throws URISyntaxException {
        return Path.of(DetectCommandTest.class.getResource("/nab/NOTICE.md").toURI()).getParent();
    }

    /** Small and quick, but with retrainings inside the file so swaps and re-warms are exercised. */
    private static final String[] FAST = {"--hidden", "4", "--epochs", "2", "--retrain-every", "300", "--retrain-epochs", "1"};

    @Test
    void shouldWriteOneScoreInZeroOnePerInputRowInOrderUnderTheCategory() throws Exception {
        Path out = dir.resolve("results");
        String[] args = concat(new String[] {"detect", "--data", nab().toString(), "--out", out.toString(), "--detector", "lstmtest"}, FAST);
        Cli r = Cli.run(args);
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("realAdExchange/exchange-3_cpc_results.csv", "realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv")) {
            Path in = nab().resolve(f);
            Path res = out.resolve(Path.of(f).getParent()).resolve("lstmtest_" + Path.of(f).getFileName());
            List<String> input = Files.readAllLines(in), output = Files.readAllLines(res);
            assertEquals("timestamp,value,anomaly_score", output.get(0));
            assertEquals(input.size(), output.size(), f);
            int probation = Math.min((int) Math.floor(0.15 * (input.size() - 1)), 750);
            java.util.Set<Double> distinct = new java.util.HashSet<>();
            for (int i = 1; i < input.size(); i++) {
                String[] o = output.get(i).split(",");
                assertEquals(input.get(i), o[0] + "," + o[1], f + " row " + i);
                double s = Double.parseDouble(o[2]);
                assertTrue(s >= 0 && s <= 1, f + " row " + i + " score " + s);
                if (i - 1 < probation) {
                    assertEquals(0.0, s, f + " row " + i + " is probationary");
                }
                distinct.add(s);
            }
            // Every scored row has its own prediction error, so the scores vary row by row.
            assertTrue(distinct.size() > (input.size() - 1 - probation) / 2, f + ": only " + distinct.size() + " distinct scores");
        }
    }

    @Test
    void shouldGiveTheSameResultsWhateverTheThreadCount() throws Exception {
        Path one = dir.resolve("one"), two = dir.resolve("two");
        assertEquals(0, Cli.run(concat(new String[] {"detect", "--data", nab().toString(), "--out", one.toString()}, FAST)).code());
        assertEquals(0, Cli.run(concat(new String[] {"detect", "--data", nab().toString(), "--out", two.toString(), "--threads", "2"}, FAST)).code());
        Path f = Path.of("realAdExchange", "lstm_exchange-3_cpc_results.csv");
        assertArrayEquals(Files.readAllBytes(one.resolve(f)), Files.readAllBytes(two.resolve(f)));
    }

    /**
     * No look-ahead: the scores of the file cut after row t equal the first t+1 scores of the whole file, for
     * cuts inside the probation, just before and after a retraining, and near the end. The probationary length
     * is held at the full file's (NAB derives it from the file length; it is the one thing a detector is told).
     */
    @Test
    void shouldScoreEachRowFromRowsUpToItOnly() throws Exception {
        TimedValues rows = SeriesFiles.readTimedCsv(nab().resolve("realAdExchange/exchange-3_cpc_results.csv"));
        ModelSpec spec = new ModelSpec(CellType.LSTM, 1, Features.COUNT, 4, 1);
        TrainConfig cfg = TrainConfig.defaults(spec).withEpochs(2, 2).withBatchSize(1).withSplit(new TimeSplit(0.8, 0.2));
        for (OnlineDetector.Settings settings : List.of(
                new OnlineDetector.Settings(cfg, cfg.withEpochs(1, 1), 0.15, 750, 300, 0, 96, 1000, TailScore.Spec.DEFAULT),
                new OnlineDetector.Settings(cfg, cfg.withEpochs(1, 1), 0.15, 750, 300, 0, 96, 1000,
                        () -> new NoveltyScore(NoveltyScore.Spec.DEFAULT), 86_400_000L, false))) {
            assertNoLookAhead(new OnlineDetector(settings, KernelsProvider.get()), rows);
        }
    }

    private static void assertNoLookAhead(OnlineDetector d, TimedValues rows) {
        int probation = d.probationRows(rows.size());
        double[] full = d.run("x", rows).scores();
        for (int cut : new int[] {probation - 5, probation + 299, probation + 300, probation + 301, rows.size() - 2}) {
            TimedValues prefix = new TimedValues(Arrays.copyOf(rows.timestamps(), cut + 1), Arrays.copyOf(rows.values(), cut + 1));
            double[] part = d.run("x", prefix, probation).scores();
            assertArrayEquals(Arrays.copyOf(full, cut + 1), part, "scores up to row " + cut);
        }
    }

    @Test
    void shouldRejectAFolderWithoutCsvFiles() throws IOException {
        Files.writeString(dir.resolve("readme.txt"), "nothing here");
        Cli r = Cli.run("detect", "--data", dir.toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, r.code());
        assertEquals("forecast detect: no *.csv files under " + dir, r.err().strip());
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
