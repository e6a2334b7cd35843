package org.forecaster.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole system as a user starts it: {@code bin/run-local} with a real Kafka broker and the three packaged
 * services as separate processes, replaying the bundled sample as fast as possible. Asserts that every point
 * gets a forecast, the sample's anomalies open and resolve alerts, malformed events reach the dead-letter
 * topic with their reasons, and a triggered training publishes a version the model service swaps in, after
 * which forecasts carry the new version and keys are re-warmed. Ctrl-C (SIGTERM) then stops every process.
 */
class EndToEndIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final String KEY = "e2e-key";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Process system;
    private static Path log;
    private static int kafka, ingest, model, trainer, modelManagement;

    @BeforeAll
    static void start() throws Exception {
        kafka = freePort();
        int controller = freePort();
        ingest = freePort();
        model = freePort();
        trainer = freePort();
        modelManagement = freePort();
        Path dataDir = ROOT.resolve("deploy/target/e2e");
        Files.createDirectories(dataDir);
        log = dataDir.resolve("run-local.out");
        system = new ProcessBuilder(ROOT.resolve("bin/run-local").toString(), "--clean", "--data-dir", dataDir.resolve("run").toString(),
                "--kafka-port", "" + kafka, "--controller-port", "" + controller, "--ingest-port", "" + ingest,
                "--model-port", "" + model, "--trainer-port", "" + trainer, "--ingest-management-port", "" + freePort(),
                "--model-management-port", "" + modelManagement, "--trainer-management-port", "" + freePort(), "--speed", "0", "--api-key", KEY, "--open-read", "--train-every", "off")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await("the system to come up (" + log + ")", Duration.ofMinutes(4),
                () -> system.isAlive() && contains(log, "Dashboard"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (system == null) {
            return;
        }
        system.destroy(); // SIGTERM, as Ctrl-C would: the launcher stops what it started
        assertTrue(system.waitFor(60, TimeUnit.SECONDS), "run-local did not stop within 60 s");
        assertTrue(contains(log, "stopped."), "run-local reports a clean stop");
        String left = new String(new ProcessBuilder("pgrep", "-f", "--", "--kafka-port " + kafka).start().getInputStream()
                .readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("", left.strip(), "no launcher process is left");
        try (ServerSocket s = new ServerSocket(kafka)) {
            assertTrue(s.isBound(), "the broker's port is free again");
        }
    }

    @Test
    void theSystemForecastsAlertsDeadLettersAndSwapsInANewModel() throws Exception {
        String bootstrap = "127.0.0.1:" + kafka;
        // Every point gets exactly one forecast (3 series x 4032 rows; some rows share a five-minute window, and the
        // last window of each partition stays open: about 11,200 points).
        List<ConsumerRecord<String, byte[]>> points = new ArrayList<>(), forecasts = new ArrayList<>();
        await("points and their forecasts", Duration.ofMinutes(3), () -> {
            points.clear();
            points.addAll(readAll(bootstrap, "telemetry.points"));
            forecasts.clear();
            forecasts.addAll(readAll(bootstrap, "forecasts"));
            return points.size() > 11_000 && forecasts.size() == points.size();
        });
        Set<String> series = new HashSet<>();
        points.forEach(r -> series.add(r.key()));
        assertEquals(Set.of("art_daily_jumpsup", "ec2_cpu_utilization_77c1ca", "ec2_disk_write_bytes_c0d644"), series);
        assertTrue(forecasts.stream().allMatch(r -> text(r).contains("\"modelVersion\":1")), "the bootstrap model made them");

        // The dashboard works in a real browser: it lists the series and uPlot draws the selected one's points. The
        // replay is over, so no live point comes: what it draws is the history the service remembers (the ring of
        // 48 inputs, from the state store) and the current K-step forecast.
        Pattern drawn = Pattern.compile("data-points=\"[1-9]\\d*\"");
        Pattern remembered = Pattern.compile("data-remembered=\"(\\d+)\"");
        Pattern horizon = Pattern.compile("data-horizon=\"[1-9]\\d*\"");
        Pattern band = Pattern.compile("data-band=\"(\\d+)\"");
        String dom = browserDom(chromium(), "http://127.0.0.1:" + model + "/", "", d -> drawn.matcher(d).find()
                && horizon.matcher(d).find() && remembered.matcher(d).find() && !d.contains("data-remembered=\"0\"")
                && band.matcher(d).find() && !d.contains("data-band=\"0\""));
        Files.writeString(ROOT.resolve("deploy/target/e2e/dashboard-dom.html"), dom);
        for (String s : series) {
            assertTrue(dom.contains(">" + s + "</li>"), "the dashboard lists " + s + ":\n" + dom);
        }
        assertTrue(dom.contains("class=\"uplot") && dom.contains("<canvas"), "a uPlot chart:\n" + dom);
        assertTrue(drawn.matcher(dom).find(), "the chart draws points:\n" + dom);
        Matcher history = remembered.matcher(dom);
        assertTrue(history.find() && Integer.parseInt(history.group(1)) >= 24, "the chart draws the remembered inputs:\n" + dom);
        assertTrue(horizon.matcher(dom).find(), "the chart draws the current forecast:\n" + dom);
        Matcher oneStep = band.matcher(dom);
        assertTrue(oneStep.find() && Integer.parseInt(oneStep.group(1)) >= 24, "the one-step band behind the inputs:\n" + dom);

        // The sample's anomalies open alerts, and each opened alert resolves.
        List<ConsumerRecord<String, byte[]>> alerts = new ArrayList<>();
        await("alert transitions", Duration.ofMinutes(1), () -> {
            alerts.clear();
            alerts.addAll(readAll(bootstrap, "anomalies"));
            return alerts.stream().anyMatch(r -> text(r).contains("\"state\":\"RESOLVED\""));
        });
        assertTrue(alerts.stream().anyMatch(r -> text(r).contains("\"state\":\"OPEN\"")), "an OPEN alert");

        // Malformed events go to the dead-letter topic with their reasons; the stream keeps running.
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>("telemetry.raw", "bad", "{not json".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>("telemetry.raw", "bad", "{\"series\":\"bad\",\"ts\":1714564800000,\"value\":\"x\"}"
                    .getBytes(StandardCharsets.UTF_8))).get();
        }
        List<ConsumerRecord<String, byte[]>> dlq = new ArrayList<>();
        await("dead-lettered events", Duration.ofMinutes(1), () -> {
            dlq.clear();
            dlq.addAll(readAll(bootstrap, "telemetry.dlq"));
            return dlq.size() >= 2;
        });
        Set<String> reasons = new HashSet<>();
        dlq.forEach(r -> reasons.add(new String(r.headers().lastHeader("dlq.reason").value(), StandardCharsets.UTF_8)));
        assertTrue(reasons.containsAll(Set.of("malformed-json", "bad-value")), "reasons " + reasons);

        // A triggered training publishes version 2. Whether a candidate beats production depends on the data, which is
        // the trainer's own tests' business; here the run is forced so the swap path is always exercised ...
        HttpResponse<String> train = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + trainer + "/api/v1/train"))
                .header("X-Api-Key", KEY).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"force\":true}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, train.statusCode(), train.body());
        await("version 2 in the model service", Duration.ofMinutes(3),
                () -> get("http://127.0.0.1:" + model + "/api/v1/model").contains("\"version\":2"));
        // The trainer records its run after the send, so the model service can hold version 2 a moment before.
        String[] run = new String[1];
        await("the trainer's record of the run", Duration.ofSeconds(30),
                () -> (run[0] = get("http://127.0.0.1:" + trainer + "/api/v1/runs/last")).contains("\"outcome\""));
        assertTrue(run[0].contains("\"outcome\":\"PUBLISHED\"") && run[0].contains("force"), run[0]);
        // ... and the next points of a series are forecast by it, from a state re-warmed under the new weights.
        StringBuilder events = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            events.append("{\"series\":\"art_daily_jumpsup\",\"ts\":\"2014-04-15T00:").append(String.format("%02d", 5 * i))
                    .append(":00Z\",\"value\":20}\n");
        }
        HttpResponse<String> sent = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest + "/api/v1/events"))
                .header("X-Api-Key", KEY).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(events.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, sent.statusCode(), sent.body());
        await("a forecast by version 2", Duration.ofMinutes(1),
                () -> readAll(bootstrap, "forecasts").stream().anyMatch(r -> text(r).contains("\"modelVersion\":2")));
        String metrics = get("http://127.0.0.1:" + modelManagement + "/q/metrics");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("forecast_rewarms_total") && !l.endsWith(" 0.0")), "a key was re-warmed");
        // The launcher gave the service its own management port; the public one serves no /q/*.
        assertEquals(404, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + model + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "metrics on the public port");

        // The dashboard finds a series by a piece of its id (server-side search) and marks its alert transitions:
        // a spike to ten times the CPU series' highest value (99.9), five minutes after its last point, opens one.
        String cpu = "ec2_cpu_utilization_77c1ca";
        String cpuState = get("http://127.0.0.1:" + model + "/api/v1/series/" + cpu + "/state");
        Matcher lastTs = Pattern.compile("\"lastTimestamp\":\"([^\"]+)\"").matcher(cpuState);
        assertTrue(lastTs.find(), "the CPU series' state");
        Instant last = Instant.parse(lastTs.group(1));
        StringBuilder spike = new StringBuilder();
        for (int i = 1; i <= 4; i++) { // the later points close the spike's window
            spike.append("{\"series\":\"").append(cpu).append("\",\"ts\":\"").append(last.plus(Duration.ofMinutes(5L * i)))
                    .append("\",\"value\":").append(i == 1 ? 1000 : 0.1).append("}\n");
        }
        HttpResponse<String> spiked = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest + "/api/v1/events"))
                .header("X-Api-Key", KEY).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(spike.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, spiked.statusCode(), spiked.body());
        try {
            await("the spike's alert", Duration.ofMinutes(1), () -> readAll(bootstrap, "anomalies").stream()
                    .anyMatch(r -> cpu.equals(r.key()) && text(r).contains("\"state\":\"OPEN\"")
                            && Instant.parse(text(r).replaceAll(".*\"ts\":\"([^\"]+)\".*", "$1")).isAfter(last)));
        } catch (AssertionError e) {
            throw new AssertionError("the CPU series before the spike: " + cpuState + "\nits alert transitions:\n"
                    + readAll(bootstrap, "anomalies").stream().filter(r -> cpu.equals(r.key())).map(EndToEndIT::text)
                            .collect(java.util.stream.Collectors.joining("\n")), e);
        }
        // Types into the search box, then picks the one result; all by the page's own handlers.
        String act = "var s=document.getElementById('search');"
                + "if(document.body.dataset.searchResults&&s.value!=='cpu_util'){s.value='cpu_util';s.dispatchEvent(new Event('input'))}"
                + "var li=document.querySelector('#series li');"
                + "if(document.body.dataset.searchMatch==='cpu_util'&&li&&!li.classList.contains('sel'))li.click();";
        Pattern marks = Pattern.compile("data-alert-marks=\"[1-9]\\d*\"");
        String found = browserDom(chromium(), "http://127.0.0.1:" + model + "/", act, d -> d.contains("data-search-match=\"cpu_util\"")
                && d.contains(">" + cpu + "</h2>") && marks.matcher(d).find() && band.matcher(d).find() && !d.contains("data-band=\"0\""));
        Files.writeString(ROOT.resolve("deploy/target/e2e/dashboard-search-dom.html"), found);
        assertTrue(found.contains("data-search-results=\"1\"") && found.contains(">" + cpu + "</li>"),
                "the search lists the one matching series:\n" + found);
        assertTrue(found.contains(">" + cpu + "</h2>"), "the found series is charted:\n" + found);
        assertTrue(marks.matcher(found).find(), "the chart marks the alert transition:\n" + found);
        assertTrue(found.contains("class=\"OPEN\""), "the transition is listed with its state:\n" + found);
    }

    /** Headless Chromium (Debian package {@code chromium}): /usr/bin/chromium, else the first on the PATH. */
    private static Path chromium() {
        Path standard = Path.of("/usr/bin/chromium");
        if (Files.isExecutable(standard)) {
            return standard;
        }
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, "chromium")).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("the dashboard check needs headless Chromium: install Debian's "
                        + "'chromium' package (apt-get install chromium)"));
    }

    /**
     * Opens {@code url} in headless Chromium and returns the page's DOM once {@code ready} holds for it (or after
     * 60 s, whatever it is then). {@code act} (JavaScript statements without double quotes or backslashes, or "") runs
     * in the page before each look, to act as a user would (type, click) once the page is ready for it. Uses the DevTools protocol: {@code --dump-dom} would dump at the load event,
     * before the page's fetches and stream have drawn anything.
     */
    private static String browserDom(Path chromium, String url, String act, Predicate<String> ready) throws Exception {
        Path profile = Files.createTempDirectory("e2e-chromium");
        Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", url)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Path portFile = profile.resolve("DevToolsActivePort"); // Chromium writes the port it picked here
            String socket = null;
            while (socket == null && System.nanoTime() < deadline) {
                Thread.sleep(200); // polling for the browser to start, to a deadline
                if (Files.exists(portFile) && !Files.readString(portFile).isBlank()) {
                    String port = Files.readString(portFile).lines().findFirst().orElseThrow().strip();
                    Matcher m = Pattern.compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+/page/[^\"]+)\"")
                            .matcher(get("http://127.0.0.1:" + port + "/json/list"));
                    socket = m.find() ? m.group(1) : null;
                }
            }
            if (socket == null) {
                throw new AssertionError("headless Chromium did not open " + url + " within 60 s");
            }
            BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(socket), new WebSocket.Listener() {
                private final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence part, boolean last) {
                    text.append(part);
                    if (last) {
                        replies.add(text.toString());
                        text.setLength(0);
                    }
                    w.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            String dom = "";
            for (int id = 1; !ready.test(dom) && System.nanoTime() < deadline; id++) {
                Thread.sleep(500); // polling the page until it has drawn, to a deadline
                // encodeURIComponent keeps the reply free of JSON escapes, so a regex can take the value out.
                ws.sendText("{\"id\":" + id + ",\"method\":\"Runtime.evaluate\",\"params\":{\"expression\":"
                        + "\"" + act + "encodeURIComponent(document.documentElement.outerHTML)\",\"returnByValue\":true}}", true).get();
                Pattern reply = Pattern.compile("\"id\":" + id + "\\b.*\"value\":\"([^\"]*)\"");
                for (String r; (r = replies.poll(10, TimeUnit.SECONDS)) != null; ) {
                    Matcher m = reply.matcher(r);
                    if (m.find()) {
                        dom = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
                        break;
                    }
                }
            }
            ws.abort();
            return dom;
        } finally {
            browser.destroy();
            if (!browser.waitFor(10, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
            }
        }
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            var partitions = c.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            var end = c.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static String text(ConsumerRecord<String, byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    private static String get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.exists(file) && Files.readString(file).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls {@code condition} until it holds or the deadline passes (then fails, pointing at the launcher's log). */
    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        try {
            Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(500))
                    .failFast("the launcher exited", () -> system != null && !system.isAlive())
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError("timed out waiting for " + what + "; launcher log " + log + ":\n" + tail(log), e);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
