package org.forecaster.faults.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged service ({@code <module>/target/quarkus-app/quarkus-run.jar}) as its own JVM, started as the local
 * launcher starts it, with Quarkus configuration given as system properties. It can be killed with SIGKILL and
 * started again with the same configuration, ports and Kafka Streams state directory, as a restarted pod would be.
 * {@code /q/*} (health, metrics) is on the management port, apart from the API: {@link #management(String)}.
 * Each start writes its own log ({@code <name>-<n>.log}).
 */
public final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Each service JVM's heap: 384m unless {@code -Dfaults.service.heap} says otherwise (a measurement holding 100k
     * keys and their standbys per instance needs more).
     */
    private static final String HEAP = System.getProperty("faults.service.heap", "384m");

    private final String name;
    private final String module;
    private final Path dir;
    private final int port;
    private final int managementPort;
    private final Map<String, String> config;
    private Process process;
    private int starts;

    private ServiceProcess(String name, String module, Path dir, Map<String, String> config) {
        this.name = name;
        this.module = module;
        this.dir = dir;
        this.port = Ports.free();
        this.managementPort = Ports.free();
        this.config = config;
    }

    /**
     * Starts {@code module}'s packaged jar against {@code broker}, named {@code name} (its log and state directory
     * under {@code dir}), with {@code config} on top of: free HTTP and management ports, the broker, the state directory.
     */
    public static ServiceProcess start(String name, String module, Path dir, Brokers broker, Map<String, String> config)
            throws IOException {
        Path jar = jar(module);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw package -pl " + module + " -am)");
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("kafka.bootstrap.servers", broker.bootstrap());
        all.put("kafka-streams.state.dir", dir.resolve(name + "-state").toString());
        all.putAll(config);
        ServiceProcess s = new ServiceProcess(name, module, dir, all);
        Files.createDirectories(dir);
        s.launch();
        return s;
    }

    private static Path jar(String module) {
        return Jvm.ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private void launch() throws IOException {
        starts++;
        // The GC's own log of every pause, per start: a measurement can tell a stall of the JVM from one of the service.
        List<String> cmd = new ArrayList<>(List.of(Jvm.java(), "-Xmx" + HEAP, "-Xlog:gc:file=" + gcLog(), "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + managementPort));
        config.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar(module).toString());
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log().toFile()).start();
    }

    /** Starts the service again after {@link #kill()}: same configuration, ports and state directory. */
    public void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch();
    }

    /**
     * Waits until {@code /q/health/ready} answers 200 (Kafka Streams running, model loaded, channels up) and the API
     * port has finished starting ({@link #awaitApiStarted}).
     */
    public ServiceProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Await.until(name + " to be ready", timeout, () -> {
            assertAlive();
            return management("/q/health/ready").statusCode() == 200;
        }, () -> ":\n" + management("/q/health/ready").body() + "\n" + Logs.tail(log(), 30));
        return awaitApiStarted(Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(5).toNanos())));
    }

    /**
     * Waits until the API port answers something other than 503. Quarkus answers 503 to every request on its main
     * HTTP port until its router is set, at the very end of startup, while the management port ({@code /q/health})
     * is up sooner: on a loaded machine a test that went by health alone met that 503. Probes
     * {@code /q/health/live}, which the API port answers 404 once started (health is on the management port only).
     * A service whose readiness stays down (the model service without a model) has still finished starting.
     */
    public ServiceProcess awaitApiStarted(Duration timeout) {
        HttpResponse<?>[] last = {null};
        Await.until(name + "'s API port to finish starting", timeout, () -> {
            assertAlive();
            last[0] = get("/q/health/live");
            return last[0].statusCode() != 503 && last[0].statusCode() != 0;
        }, () -> ": last answer " + (last[0] == null ? "none" : last[0].statusCode() + " " + last[0].body()) + "\n"
                + Logs.tail(log(), 30));
        return this;
    }

    private void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + Logs.tail(log(), 40));
        }
    }

    /** SIGTERM, as Kubernetes stops a pod (after its preStop hook); returns at once: see {@link #awaitExit}. */
    public void terminate() {
        process.destroy();
    }

    /**
     * Waits up to {@code timeout} for the process to end; its exit code. Fails with the log's tail (and a thread dump
     * in the log, from SIGQUIT) if it is still running, leaving it running for {@link #close()}.
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            dumpThreads();
            process.waitFor(1, TimeUnit.SECONDS); // lets the JVM write the dump
            throw new AssertionError(name + " still runs " + timeout.toSeconds() + " s after SIGTERM:\n" + Logs.tail(log(), 250));
        }
        return process.exitValue();
    }

    /** SIGQUIT: the JVM prints every thread's stack to its output (the log) and keeps running. */
    private void dumpThreads() {
        try {
            new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("could not send SIGQUIT to " + this, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL, as the kernel's OOM killer or a node failure would end it: no shutdown hooks, no commits. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not die within 30 s of SIGKILL");
        }
    }

    /** The name given at {@link #start}: its logs and state directory are named after it. */
    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The log of the current (latest) start. */
    public Path log() {
        return dir.resolve(name + "-" + starts + ".log");
    }

    /** The JVM's GC log ({@code -Xlog:gc}) of the current (latest) start. */
    public Path gcLog() {
        return dir.resolve(name + "-" + starts + ".gc.log");
    }

    /** Every start's GC log, concatenated. */
    public String allGcLogs() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            b.append(Logs.read(dir.resolve(name + "-" + i + ".gc.log")));
        }
        return b.toString();
    }

    /** All logs of this service, every start's, concatenated. */
    public String allLogs() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            b.append(Logs.read(dir.resolve(name + "-" + i + ".log")));
        }
        return b.toString();
    }

    /** GET on the service's API port; a connection failure is a response with status 0 and the error as body. */
    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    /** GET on the management port ({@code /q/health/ready}, {@code /q/metrics}); a connection failure as in {@link #get}. */
    public HttpResponse<String> management(String path) {
        return send(HttpRequest.newBuilder(uri(managementPort, path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    public HttpResponse<String> postJson(String path, String json, String apiKey) {
        return send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("X-Api-Key", apiKey).POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /**
     * The sum of the Prometheus samples on {@code /q/metrics} whose line starts with {@code name} and contains every
     * one of {@code labels} (for example {@code reason="checksum"}); 0 if there are none.
     */
    public double metric(String name, String... labels) {
        double sum = 0;
        for (String line : management("/q/metrics").body().lines().toList()) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                boolean all = true;
                for (String l : labels) {
                    all &= line.contains(l);
                }
                if (all) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return sum;
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Failed(request, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM (Quarkus shuts down cleanly), then SIGKILL if it takes more than 20 s. */
    @Override
    public void close() {
        Jvm.stop(process);
    }

    @Override
    public String toString() {
        return name + " (pid " + (process == null ? "-" : process.pid()) + ", port " + port + ", management " + managementPort + ")";
    }

    /** A request that got no answer. */
    private record Failed(HttpRequest request, String body) implements HttpResponse<String> {
        @Override public int statusCode() { return 0; }
        @Override public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
        @Override public java.net.http.HttpHeaders headers() { return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true); }
        @Override public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
        @Override public URI uri() { return request.uri(); }
        @Override public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
    }
}
