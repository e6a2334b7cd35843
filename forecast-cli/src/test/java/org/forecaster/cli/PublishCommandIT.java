package org.forecaster.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.modelio.ModelSignature;
import org.forecaster.core.modelio.ModelSigner;
import org.forecaster.core.modelio.ModelVerifier;
import org.forecaster.testkit.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backtest --format csv --save-model, then publish: the bytes on the topic are the file, keyed by its model name. */
class PublishCommandIT {
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
    void shouldPublishAValidatedModelKeyedByItsNameAndRefuseACorruptOne() throws Exception {
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < 400; i++) {
            csv.append(String.format("2014-04-01T%02d:%02d:00Z,%.3f%n", (i * 5) / 60 % 24, (i * 5) % 60, 10 + Math.sin(i / 12.0)));
        }
        Path data = Files.writeString(dir.resolve("a.csv"), csv.toString());
        Path model = dir.resolve("m.fcst");
        Cli trained = Cli.run("backtest", "--format", "csv", "--train", data.toString(), "--horizon", "3", "--season", "12",
                "--out", dir.resolve("f.csv").toString(), "--save-model", model.toString(), "--hidden", "4", "--epochs", "2");
        assertEquals(0, trained.code(), trained.err());
        assertEquals(300_000L, ModelReader.read(Files.readAllBytes(model)).header().stepMillis(), "step inferred from the CSV");

        kafka.createTopics("weights.t");
        Cli r = Cli.run("publish", model.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", "weights.t");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("published global version 1"), r.out());
        var got = kafka.consume("weights.t", 1, Duration.ofSeconds(30));
        assertEquals("global", got.get(0).key());
        assertArrayEquals(Files.readAllBytes(model), got.get(0).value());

        byte[] bad = Files.readAllBytes(model);
        bad[bad.length / 2] ^= 1;
        Path corrupt = Files.write(dir.resolve("bad.fcst"), bad);
        Cli refused = Cli.run("publish", corrupt.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", "weights.t");
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("checksum"), refused.err());

        // Issue 17: --signing-key adds the signature over the exact file bytes as record headers.
        assertEquals(0, Cli.run("keygen", "--out", dir.resolve("keys").toString()).code());
        Path key = dir.resolve("keys/model-signing.key");
        kafka.createTopics("weights.signed");
        Cli signed = Cli.run("publish", model.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", "weights.signed",
                "--signing-key", key.toString());
        assertEquals(0, signed.code(), signed.err());
        var record = kafka.consume("weights.signed", 1, Duration.ofSeconds(30)).get(0);
        ModelSignature signature = signatureOf(record);
        assertEquals(ModelSigner.fromFile(key).keyId(), signature.keyId());
        assertNull(ModelVerifier.trustingFiles(List.of(dir.resolve("keys"))).check(record.value(), signature));
        assertTrue(signed.out().contains("signed by key " + signature.keyId()), signed.out());

        Cli missingKey = Cli.run("publish", model.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", "weights.signed",
                "--signing-key", dir.resolve("nope.key").toString());
        assertEquals(1, missingKey.code());
        assertTrue(missingKey.err().contains("no signing key file"), missingKey.err());
    }

    /** Reads the signature headers back as the model service does. */
    private static ModelSignature signatureOf(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> r) {
        return ModelSignature.fromHeaders(r.headers().lastHeader(ModelSignature.KEY_ID_HEADER).value(),
                r.headers().lastHeader(ModelSignature.SIGNATURE_HEADER).value());
    }
}
