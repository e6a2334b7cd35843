package org.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.forecaster.core.wire.RawEvent;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.testkit.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** replay against a real in-process KRaft broker: the events that arrive are the rows, valid, keyed and in order. */
class ReplayCommandIT {
    static EmbeddedKafka kafka;
    @TempDir
    Path dir;

    /** What the ingest service will do with each event: the shared parser, with a clock in 2025. */
    private final RawEventParser parser = new RawEventParser(RawEventParser.Limits.DEFAULT,
            InstantSource.fixed(Instant.parse("2025-01-01T00:00:00Z")));

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private RawEvent parse(ConsumerRecord<String, byte[]> r) {
        RawEventParser.Result p = parser.parse(r.value(), r.key());
        assertTrue(p.valid(), () -> "rejected: " + p.rejection() + " for " + new String(r.value()));
        return p.event();
    }

    @Test
    void shouldSendEveryRowOfAFileAsARawEventAsFastAsPossible() throws Exception {
        kafka.createTopics("raw.file");
        Path csv = Files.writeString(dir.resolve("cpu.csv"),
                "timestamp,value\n2014-04-01 00:00:00,1.5\n2014-04-01 00:05:00,2\n2014-04-01 00:10:00,-3.25\n");
        Cli r = Cli.run("replay", "--file", csv.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", "raw.file",
                "--series", "host-1.cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("sent 3 events to raw.file"), r.err());
        List<ConsumerRecord<String, byte[]>> got = kafka.consume("raw.file", 3, Duration.ofSeconds(30));
        assertEquals(3, got.size());
        double[] values = {1.5, 2, -3.25};
        for (int i = 0; i < 3; i++) {
            RawEvent e = parse(got.get(i));
            assertEquals("host-1.cpu", got.get(i).key());
            assertEquals("host-1.cpu", e.series());
            assertEquals(Instant.parse("2014-04-01T00:00:00Z").plusSeconds(300L * i), e.ts());
            assertEquals(values[i], e.value());
        }
    }

    @Test
    void shouldMergeTheFilesOfAFolderByTimestampWithEachFileItsOwnSeries() throws Exception {
        kafka.createTopics("raw.folder");
        Path folder = Files.createDirectories(dir.resolve("data/sub"));
        Files.writeString(folder.resolve("a.csv"), "timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:10:00,3\n");
        Files.writeString(folder.resolve("b.csv"), "timestamp,value\n2014-04-01 00:05:00,2\n2014-04-01 00:15:00,4\n");
        Cli r = Cli.run("replay", "--file", dir.resolve("data").toString(), "--bootstrap", kafka.bootstrapServers(),
                "--topic", "raw.folder", "--series-from-file-name");
        assertEquals(0, r.code(), r.err());
        List<ConsumerRecord<String, byte[]>> got = kafka.consume("raw.folder", 4, Duration.ofSeconds(30));
        assertEquals(List.of("a", "b", "a", "b"), got.stream().map(ConsumerRecord::key).toList());
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0), got.stream().map(c -> parse(c).value()).toList());
    }

    /**
     * With --speed every row still arrives, once, keyed and in timestamp order. How long the pacing waits is not
     * measured here (a wall-clock threshold fails on a loaded machine and passes a replay that sleeps for the wrong
     * event); {@code ReplayCommandTest} checks the due times themselves.
     */
    @Test
    void shouldSendEveryRowInOrderWhenPaced() throws IOException {
        kafka.createTopics("raw.paced");
        // 20 minutes of data at 1200x: due at 0, 0.5 and 1 s.
        Path csv = Files.writeString(dir.resolve("p.csv"), "timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:10:00,2\n"
                + "2014-04-01 00:20:00,3\n");
        Cli r = Cli.run("replay", "--file", csv.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", "raw.paced",
                "--speed", "1200", "--series", "paced");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("sent 3 events to raw.paced"), r.err());
        List<ConsumerRecord<String, byte[]>> got = kafka.consume("raw.paced", 3, Duration.ofSeconds(30));
        assertEquals(List.of("paced", "paced", "paced"), got.stream().map(ConsumerRecord::key).toList(), "exactly the 3 rows");
        assertEquals(List.of(1.0, 2.0, 3.0), got.stream().map(c -> parse(c).value()).toList());
        assertEquals(List.of(Instant.parse("2014-04-01T00:00:00Z"), Instant.parse("2014-04-01T00:10:00Z"),
                Instant.parse("2014-04-01T00:20:00Z")), got.stream().map(c -> parse(c).ts()).toList());
    }

    @Test
    void shouldFailOnOneLineWhenNoBrokerAnswers() throws IOException {
        Path csv = Files.writeString(dir.resolve("x.csv"), "timestamp,value\n2014-04-01 00:00:00,1\n");
        Cli r = Cli.run("replay", "--file", csv.toString(), "--bootstrap", "127.0.0.1:9", "--timeout", "2");
        assertEquals(1, r.code());
        String err = r.err().strip();
        assertEquals(1, err.lines().filter(l -> l.startsWith("forecast replay:")).count(), err);
        assertTrue(!err.contains("\tat "), err);
    }
}
