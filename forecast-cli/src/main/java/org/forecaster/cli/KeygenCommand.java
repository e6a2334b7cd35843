package org.forecaster.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import org.forecaster.core.modelio.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Makes an Ed25519 key pair for signing models: {@code model-signing.key} (PKCS#8 PEM, mode 600) for the trainer and
 * {@code forecast publish --signing-key}, and {@code model-signing.pub} (X.509 PEM) for the model services' trusted
 * keys. Never overwrites a key.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create an Ed25519 key pair for signing models: DIR/model-signing.key (private, mode 600) and DIR/model-signing.pub.",
                "Example: forecast keygen --out keys/2025-06"})
final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the two files (created if missing).")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file, not a directory");
        }
        KeyPair pair = SigningKeys.generate();
        Path privateKey;
        try {
            privateKey = SigningKeys.writePair(pair, out);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf("key id %s%nprivate key %s (keep it secret: the trainer's Secret)%npublic key  %s (the model services' trusted keys)%n",
                SigningKeys.keyId(pair.getPublic()), privateKey, SigningKeys.publicKeyFileOf(privateKey));
        return 0;
    }
}
