package org.forecaster.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TimeZone;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.batik.svggen.SVGGraphics2D;
import org.forecaster.cli.plot.PlotData.Span;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalDataItem;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.w3c.dom.Document;

/**
 * Draws a {@link PlotData} with JFreeChart: the observed values as a line, the h=1 forecast as a line over its shaded
 * interval, alert spans shaded behind them with their reason on top, labelled windows as dashed edges with their kind
 * at the bottom. Time is UTC; colours are opaque so that the pictures (and tests) see exactly these colours.
 */
final class ChartRenderer {
    static final Color OBSERVED = new Color(0x26, 0x26, 0x26);
    static final Color FORECAST = new Color(0x1f, 0x5f, 0xa8);
    static final Color BAND = new Color(0xb5, 0xd0, 0xee);
    static final Color ALERT = new Color(0xf7, 0xb9, 0xb0);
    static final Color LABEL = new Color(0x1e, 0x82, 0x3a);
    private static final Color ALERT_TEXT = new Color(0xa3, 0x1f, 0x14);
    private static final Color GRID = new Color(0xdd, 0xdd, 0xdd);
    /** Narrower spans are widened to this many pixels around their middle, so that a one-point alert still shows. */
    private static final double MIN_SPAN_PIXELS = 3;

    /** A spacing of more than this many typical spacings between two values is a gap that the line does not cross. */
    private static final long GAP_STEPS = 3;

    private ChartRenderer() {}

    static JFreeChart chart(PlotData data, String title, int width) {
        long[] range = data.timeRange();
        if (range == null) {
            throw new IllegalArgumentException("nothing to draw");
        }
        long from = range[0], to = range[1] > range[0] ? range[1] : range[0] + 60_000;
        DateAxis time = new DateAxis(null, TimeZone.getTimeZone("UTC"), Locale.ROOT);
        time.setRange(from, to);
        NumberAxis value = new NumberAxis(null);
        value.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(null, time, value, null);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlinePaint(Color.GRAY);

        XYSeries observed = new XYSeries("observed", false, true);
        long[] ts = data.observed().ts();
        long gap = GAP_STEPS * medianSpacing(ts);
        for (int i = 0; i < ts.length; i++) {
            if (i > 0 && gap > 0 && ts[i] - ts[i - 1] > gap) {
                observed.add((ts[i - 1] + ts[i]) / 2, null, false); // breaks the line: no values were there
            }
            observed.add(ts[i], data.observed().values()[i], false);
        }
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
        lines.setSeriesPaint(0, OBSERVED);
        lines.setSeriesStroke(0, new BasicStroke(1.2f));
        plot.setDataset(0, new XYSeriesCollection(observed));
        plot.setRenderer(0, lines);

        if (data.forecast().size() > 0) {
            String name = Double.isNaN(data.level()) ? "forecast h=1"
                    : String.format(Locale.ROOT, "forecast h=1, %.0f %% interval", 100 * data.level());
            YIntervalSeries band = new YIntervalSeries(name, false, true);
            for (int i = 0; i < data.forecast().size(); i++) {
                band.add(new YIntervalDataItem(data.forecast().ts()[i], data.forecast().mean()[i], data.forecast().lower()[i],
                        data.forecast().upper()[i]), false);
            }
            DeviationRenderer shaded = new DeviationRenderer(true, false);
            shaded.setAlpha(1f);
            shaded.setSeriesFillPaint(0, BAND);
            shaded.setSeriesPaint(0, FORECAST);
            shaded.setSeriesStroke(0, new BasicStroke(1f));
            YIntervalSeriesCollection bands = new YIntervalSeriesCollection();
            bands.addSeries(band);
            plot.setDataset(1, bands); // the plot draws dataset 1 before dataset 0, so the observed line stays on top
            plot.setRenderer(1, shaded);
        }

        double minSpan = MIN_SPAN_PIXELS * (to - from) / Math.max(1, width);
        for (Span s : data.alerts()) {
            IntervalMarker m = marker(s, minSpan);
            m.setPaint(ALERT);
            m.setLabelPaint(ALERT_TEXT);
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addDomainMarker(0, m, Layer.BACKGROUND);
        }
        for (Span s : data.labels()) {
            IntervalMarker m = marker(s, minSpan);
            m.setPaint(new Color(0, 0, 0, 0)); // edges only, so an alert inside the window stays visible
            m.setOutlinePaint(LABEL);
            m.setLabelPaint(LABEL);
            m.setOutlineStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 3f}, 0f));
            m.setLabelAnchor(RectangleAnchor.BOTTOM_LEFT);
            m.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addDomainMarker(0, m, Layer.FOREGROUND);
        }

        LegendItemCollection legend = new LegendItemCollection();
        legend.addAll(plot.getLegendItems());
        if (!data.alerts().isEmpty()) {
            legend.add(new LegendItem("alert (its reason on top)", ALERT));
        }
        if (!data.labels().isEmpty()) {
            legend.add(new LegendItem("labelled window", LABEL));
        }
        plot.setFixedLegendItems(legend);

        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legendTitle = chart.getLegend();
        legendTitle.setPosition(RectangleEdge.BOTTOM);
        legendTitle.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        return chart;
    }

    private static IntervalMarker marker(Span s, double minSpan) {
        double start = s.start(), end = s.end();
        if (end - start < minSpan) {
            double middle = (start + end) / 2;
            start = middle - minSpan / 2;
            end = middle + minSpan / 2;
        }
        IntervalMarker m = new IntervalMarker(start, end);
        m.setAlpha(1f); // opaque: the marker's default 0.8 would blend its colour with what lies below
        m.setOutlinePaint(null);
        m.setLabel(s.text());
        m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        m.setLabelBackgroundColor(new Color(255, 255, 255, 190));
        return m;
    }

    /** The median spacing of increasing times, 0 for fewer than two. */
    static long medianSpacing(long[] ts) {
        if (ts.length < 2) {
            return 0;
        }
        long[] d = new long[ts.length - 1];
        for (int i = 1; i < ts.length; i++) {
            d[i - 1] = ts[i] - ts[i - 1];
        }
        java.util.Arrays.sort(d);
        return d[d.length / 2];
    }

    /** The rectangle, in image pixels, that the time and value axes span in a picture of {@code chart} at this size. */
    static Rectangle2D dataArea(JFreeChart chart, int width, int height) {
        ChartRenderingInfo info = new ChartRenderingInfo();
        chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, info);
        return info.getPlotInfo().getDataArea();
    }

    static void writePng(JFreeChart chart, int width, int height, Path file) throws IOException {
        BufferedImage image = chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IllegalStateException("no PNG writer in this JDK");
        }
    }

    /** An SVG of {@code width} × {@code height} user units (Batik's SVGGraphics2D records JFreeChart's drawing). */
    static void writeSvg(JFreeChart chart, int width, int height, Path file) throws IOException {
        Document document;
        try {
            document = DocumentBuilderFactory.newInstance().newDocumentBuilder().getDOMImplementation()
                    .createDocument(SVGGraphics2D.SVG_NAMESPACE_URI, "svg", null);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no XML document builder in this JDK", e);
        }
        SVGGraphics2D svg = new SVGGraphics2D(document);
        svg.setSVGCanvasSize(new Dimension(width, height));
        chart.draw(svg, new Rectangle(0, 0, width, height));
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            svg.stream(out, true);
        }
    }
}
