package org.forecaster.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and a broker certificate it signed (for {@code localhost} and
 * {@code 127.0.0.1}), made with the JDK's keytool in a temporary directory: the secure test broker speaks TLS as
 * the Strimzi cluster does, and clients trust only this CA, as the services trust only the cluster CA.
 *
 * @param brokerKeystore PKCS12 with the broker's key and certificate chain
 * @param password       of the keystore
 * @param caPem          the CA certificate, PEM (what clients put in {@code ssl.truststore.certificates})
 * @param caFile         the same as a file
 */
record TestCertificates(Path brokerKeystore, String password, String caPem, Path caFile) {
    private static final String VALIDITY_DAYS = "2";

    static TestCertificates create(Path dir, String password) {
        Path ca = dir.resolve("ca.p12");
        Path broker = dir.resolve("broker.p12");
        Path csr = dir.resolve("broker.csr");
        Path brokerCert = dir.resolve("broker.crt");
        Path caCert = dir.resolve("ca.crt");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=forecaster-test-ca",
                "-ext", "bc:c", "-validity", VALIDITY_DAYS, "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", password);
        keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", password, "-rfc", "-file", caCert.toString());
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", VALIDITY_DAYS, "-keystore", broker.toString(), "-storetype", "PKCS12", "-storepass", password);
        keytool("-certreq", "-alias", "broker", "-keystore", broker.toString(), "-storepass", password, "-file", csr.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", password, "-infile", csr.toString(),
                "-outfile", brokerCert.toString(), "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", VALIDITY_DAYS, "-rfc");
        // The broker's keystore holds its whole chain: the CA first, then the signed certificate as the key's reply.
        keytool("-importcert", "-alias", "ca", "-file", caCert.toString(), "-keystore", broker.toString(), "-storepass", password, "-noprompt");
        keytool("-importcert", "-alias", "broker", "-file", brokerCert.toString(), "-keystore", broker.toString(), "-storepass", password);
        try {
            return new TestCertificates(broker, password, Files.readString(caCert, StandardCharsets.US_ASCII), caCert);
        } catch (IOException e) {
            throw new IllegalStateException("could not read the test CA certificate", e);
        }
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
