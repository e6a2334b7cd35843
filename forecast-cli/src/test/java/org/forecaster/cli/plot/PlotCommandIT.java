package org.forecaster.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.forecaster.core.wire.AnomalyRecord;
import org.forecaster.core.wire.ForecastJsonWriter;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.WireJson;
import org.forecaster.testkit.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plot --bootstrap reads one series' forecasts and alerts from a real in-process KRaft broker. */
class PlotCommandIT {
    static EmbeddedKafka kafka;
    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void shouldDrawOneSeriesWithinTheRangeFromTheTopics() throws Exception {
        kafka.createTopics("plot.forecasts", "plot.anomalies");
        ForecastJsonWriter writer = new ForecastJsonWriter();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (ForecastRecord f : PlotFixture.forecasts()) {
            records.add(new ProducerRecord<>("plot.forecasts", f.series(), writer.write(f)));
        }
        for (AnomalyRecord a : PlotFixture.anomalies()) {
            records.add(new ProducerRecord<>("plot.anomalies", a.series(), WireJson.write(a)));
        }
        kafka.send(records);

        Path png = dir.resolve("s1.png");
        PlotFixture.Run r = PlotFixture.cli("plot", "--bootstrap", kafka.bootstrapServers(), "--forecasts-topic", "plot.forecasts",
                "--anomalies-topic", "plot.anomalies", "--series", "s1", "--idle", "1s",
                "--from", java.time.Instant.ofEpochMilli(PlotFixture.ts(140)).toString(), "--out", png.toString(),
                "--width", "600", "--height", "300");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("plot: s1: 60 values, 61 forecasts, 1 alerts, 0 labelled windows"), r.out());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(600, image.getWidth());
        assertEquals(300, image.getHeight());
    }
}
