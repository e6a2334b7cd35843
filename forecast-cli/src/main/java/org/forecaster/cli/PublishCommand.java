package org.forecaster.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.forecaster.core.modelio.ModelAcceptance;
import org.forecaster.core.modelio.ModelFile;
import org.forecaster.core.modelio.ModelReader;
import org.forecaster.core.modelio.ModelSignature;
import org.forecaster.core.modelio.ModelSigner;
import org.forecaster.core.modelio.SigningKeys;
import org.forecaster.core.wire.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Publishes a weights file on the weights topic, keyed by its model name, after reading it back with the
 * same validation the model service applies (format and {@link ModelAcceptance}'s default cap and version ceiling),
 * so a bad file never reaches the topic; with {@code --signing-key} the record carries the file's Ed25519 signature,
 * which a model service that requires signatures needs. Used by the local launcher for the bootstrap model, and by
 * operators to roll a model by hand.
 */
@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Validate a weights file and publish it on the weights topic, keyed by its model name.",
                "Example: forecast publish deploy/local/bootstrap-model.fcst --bootstrap localhost:19092 --signing-key keys/model-signing.key"})
final class PublishCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The weights file.")
    Path file;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--topic", defaultValue = Topics.WEIGHTS, paramLabel = "TOPIC", description = "Topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--signing-key", paramLabel = "FILE",
            description = {"Sign with this Ed25519 private key (PKCS#8 PEM or DER, from `forecast keygen`); its public key must lie next to it (x.key -> x.pub).",
                    "Without it the model is published unsigned, which a model service requiring signatures rejects."})
    Path signingKey;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "D", converter = DurationConverter.SecondsIfPlain.class,
            description = "Give up after this long; a plain number is seconds (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        byte[] bytes = Files.readAllBytes(file);
        ModelFile model = ModelReader.read(bytes); // throws a ModelFormatException naming the defect
        ModelAcceptance.Rejection refused = ModelAcceptance.DEFAULT.check(null, model.header(), null);
        if (refused != null) {
            throw new IllegalArgumentException("the model service would refuse " + file + " (" + refused.reason() + "): " + refused.message());
        }
        List<Header> headers = List.of();
        if (signingKey != null) {
            ModelSignature signature = ModelSigner.fromFiles(signingKey, SigningKeys.publicKeyFileOf(signingKey)).sign(bytes);
            headers = List.of(new RecordHeader(ModelSignature.KEY_ID_HEADER, signature.keyIdBytes()),
                    new RecordHeader(ModelSignature.SIGNATURE_HEADER, signature.signature()));
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        KafkaSecurity.applyTo(p);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Math.max(1 << 20, bytes.length + 4096)));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(30_000, timeout.toMillis() / 2))); // delivery must exceed request + linger
        String key = model.header().name();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            var md = producer.send(new ProducerRecord<>(topic, null, key, bytes, headers)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "published %s version %d (%d bytes, %s) to %s partition %d offset %d%n",
                    key, model.header().version(), bytes.length,
                    headers.isEmpty() ? "unsigned" : "signed by key " + new String(headers.getFirst().value(), java.nio.charset.StandardCharsets.US_ASCII),
                    topic, md.partition(), md.offset());
        } catch (ExecutionException e) {
            throw new IllegalStateException("publish to " + topic + " at " + bootstrap + " failed: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no acknowledgement from " + bootstrap + " within " + DurationConverter.format(timeout), e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + ": " + e.getMessage(), e);
        }
        return 0;
    }
}
