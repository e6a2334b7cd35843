package org.forecaster.cli.plot;

import static org.forecaster.cli.plot.PlotFixture.ALERT_OPEN;
import static org.forecaster.cli.plot.PlotFixture.ALERT_RESOLVED;
import static org.forecaster.cli.plot.PlotFixture.FIRST_FORECAST;
import static org.forecaster.cli.plot.PlotFixture.POINTS;
import static org.forecaster.cli.plot.PlotFixture.cli;
import static org.forecaster.cli.plot.PlotFixture.ts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class PlotCommandTest {
    private static final int WIDTH = 800, HEIGHT = 400;

    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void shouldDrawTheBandWhereThereAreForecastsAndTheAlertBetweenOpenAndResolved() throws IOException {
        Path sim = PlotFixture.writeSimulateOutput(dir.resolve("sim"));
        Path png = dir.resolve("pictures/s1.png");
        PlotFixture.Run r = cli("plot", "--dir", sim.toString(), "--series", "s1", "--out", png.toString(),
                "--width", "" + WIDTH, "--height", "" + HEIGHT);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("plot: s1: 100 values, 100 forecasts, 1 alerts, 0 labelled windows"), r.out());

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());
        // The same data drawn at the same size has the same layout: where each time lands on the picture.
        Rectangle2D area = ChartRenderer.dataArea(ChartRenderer.chart(PlotFixture.s1(), "s1", WIDTH), WIDTH, HEIGHT);
        long from = ts(FIRST_FORECAST), to = ts(POINTS);
        int open = x(area, from, to, ts(ALERT_OPEN)), resolved = x(area, from, to, ts(ALERT_RESOLVED));
        List<Integer> alertColumns = columnsWith(image, area, ChartRenderer.ALERT);
        assertFalse(alertColumns.isEmpty(), "no alert colour drawn");
        assertTrue(alertColumns.getFirst() >= open - 1 && alertColumns.getLast() <= resolved + 1,
                "alert colour in columns " + alertColumns.getFirst() + ".." + alertColumns.getLast() + ", expected " + open + ".." + resolved);
        assertTrue(alertColumns.size() >= (resolved - open) / 2, "alert span mostly covered: " + alertColumns.size() + " columns");

        List<Integer> bandColumns = columnsWith(image, area, ChartRenderer.BAND);
        int firstBand = x(area, from, to, ts(FIRST_FORECAST + 1)), end = (int) area.getMaxX();
        assertTrue(bandColumns.size() > 0.8 * (end - firstBand), "band colour in " + bandColumns.size() + " columns of " + (end - firstBand));
        assertTrue(bandColumns.getFirst() >= firstBand - 1, "band starts at the first forecast's time, found it at " + bandColumns.getFirst());
    }

    @Test
    void shouldLeaveTheBandOutBeforeTheFirstForecastWhenTheSeriesComesFromACsv() throws IOException {
        Path sim = PlotFixture.writeSimulateOutput(dir.resolve("sim"));
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < POINTS; i++) {
            csv.append(java.time.Instant.ofEpochMilli(ts(i))).append(',').append(PlotFixture.value(i)).append('\n');
        }
        Path series = Files.writeString(dir.resolve("s1.csv"), csv);
        Path png = dir.resolve("s1.png");
        PlotFixture.Run r = cli("plot", "--csv", series.toString(), "--dir", sim.toString(), "--series", "s1", "--out", png.toString(),
                "--width", "" + WIDTH, "--height", "" + HEIGHT);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("plot: s1: 200 values, 100 forecasts, 1 alerts"), r.out());
        BufferedImage image = ImageIO.read(png.toFile());
        PlotData drawn = PlotFixture.s1();
        PlotData withWholeSeries = new PlotData(new PlotData.Points(timesOf(POINTS), valuesOf(POINTS)), drawn.forecast(), 0.95,
                drawn.alerts(), List.of());
        Rectangle2D area = ChartRenderer.dataArea(ChartRenderer.chart(withWholeSeries, "s1", WIDTH), WIDTH, HEIGHT);
        int firstBand = x(area, ts(0), ts(POINTS), ts(FIRST_FORECAST + 1));
        List<Integer> bandColumns = columnsWith(image, area, ChartRenderer.BAND);
        assertTrue(bandColumns.getFirst() >= firstBand - 1, "no band before the forecasts, found it at " + bandColumns.getFirst());
        assertTrue(firstBand > area.getCenterX() - 5, "the forecasts cover the right half only");
    }

    @Test
    void shouldWriteAnSvgWithTheTitleLegendAlertReasonAndBothColours() throws Exception {
        Path sim = PlotFixture.writeSimulateOutput(dir.resolve("sim"));
        Path labels = Files.writeString(dir.resolve("labels.json"),
                "[{\"series\":\"s1\",\"kind\":\"spike\",\"start\":\"" + java.time.Instant.ofEpochMilli(ts(148))
                        + "\",\"end\":\"" + java.time.Instant.ofEpochMilli(ts(149)) + "\"},"
                        + "{\"series\":\"s2\",\"kind\":\"drift\",\"start\":\"2025-03-01T00:00:00Z\",\"end\":\"2025-03-02T00:00:00Z\"}]");
        Path svg = dir.resolve("s1.svg");
        PlotFixture.Run r = cli("plot", "--forecasts", sim.resolve("forecasts.jsonl").toString(), "--anomalies",
                sim.resolve("anomalies.jsonl").toString(), "--series", "s1", "--labels", labels.toString(), "--title", "Series one",
                "--out", svg.toString(), "--width", "" + WIDTH, "--height", "" + HEIGHT);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 alerts, 1 labelled windows"), "only s1's label: " + r.out());

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false); // no network
        Document doc = factory.newDocumentBuilder().parse(svg.toFile());
        Element root = doc.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals("" + WIDTH, root.getAttribute("width"));
        assertEquals("" + HEIGHT, root.getAttribute("height"));
        List<String> texts = new ArrayList<>();
        NodeList nodes = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent());
        }
        assertTrue(texts.contains("Series one"), texts.toString());
        assertTrue(texts.contains("observed"), texts.toString());
        assertTrue(texts.contains("forecast h=1, 95 % interval"), texts.toString());
        assertTrue(texts.contains("spike"), "the alert's reason and the label's kind: " + texts);
        assertTrue(doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "path").getLength() > 0, "the band is a path");
        String text = Files.readString(svg);
        assertTrue(text.contains(rgb(ChartRenderer.BAND)), "band colour " + rgb(ChartRenderer.BAND));
        assertTrue(text.contains(rgb(ChartRenderer.ALERT)), "alert colour " + rgb(ChartRenderer.ALERT));
        assertTrue(text.contains(rgb(ChartRenderer.LABEL)), "label colour " + rgb(ChartRenderer.LABEL));
    }

    @Test
    void shouldShadeRowsOfADetectResultScoredAtTheThreshold() throws IOException {
        StringBuilder csv = new StringBuilder("timestamp,value,anomaly_score,expected,sigma\n");
        for (int i = 0; i < 50; i++) {
            double score = i >= 20 && i < 23 || i == 40 ? 0.99 : 0.1;
            String expected = i < 10 ? "NaN" : "10", sigma = i < 10 ? "NaN" : "1";
            csv.append(String.format(Locale.ROOT, "2024-01-01 %02d:%02d:00,%d,%.2f,%s,%s%n", i / 12, (i % 12) * 5, 10 + i % 3, score, expected, sigma));
        }
        Path detect = Files.writeString(dir.resolve("lstm_cpu.csv"), csv);
        PlotFixture.Run r = cli("plot", "--csv", detect.toString(), "--out", dir.resolve("cpu.png").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("plot: lstm_cpu: 50 values, 40 forecasts, 2 alerts, 0 labelled windows"), r.out());
        r = cli("plot", "--csv", detect.toString(), "--threshold", "0.995", "--from", "2024-01-01T01:00:00Z", "--out", dir.resolve("cpu.png").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("plot: lstm_cpu: 38 values, 38 forecasts, 0 alerts"), r.out());
    }

    @Test
    void shouldSayWhenTheRangeHoldsNothing() throws IOException {
        Path sim = PlotFixture.writeSimulateOutput(dir.resolve("sim"));
        PlotFixture.Run r = cli("plot", "--dir", sim.toString(), "--series", "s1", "--from", "2030-01-01", "--out", dir.resolve("x.png").toString());
        assertEquals(1, r.code());
        assertEquals("forecast plot: nothing to draw: series s1 has no values or forecasts between --from and --to", r.err().strip());
    }

    private static String rgb(Color c) {
        return "rgb(" + c.getRed() + "," + c.getGreen() + "," + c.getBlue() + ")";
    }

    private static int x(Rectangle2D area, long from, long to, long t) {
        return (int) Math.round(area.getX() + (t - from) / (double) (to - from) * area.getWidth());
    }

    /** The columns inside the data area, in order, that hold at least one pixel of exactly this colour. */
    private static List<Integer> columnsWith(BufferedImage image, Rectangle2D area, Color colour) {
        List<Integer> columns = new ArrayList<>();
        for (int px = (int) area.getMinX(); px < (int) area.getMaxX(); px++) {
            for (int py = (int) area.getMinY() + 1; py < (int) area.getMaxY(); py++) {
                if ((image.getRGB(px, py) & 0xffffff) == (colour.getRGB() & 0xffffff)) {
                    columns.add(px);
                    break;
                }
            }
        }
        return columns;
    }

    private static long[] timesOf(int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = ts(i);
        }
        return t;
    }

    private static double[] valuesOf(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = PlotFixture.value(i);
        }
        return v;
    }
}
