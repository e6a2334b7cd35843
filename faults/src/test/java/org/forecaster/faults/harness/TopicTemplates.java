package org.forecaster.faults.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/** The topics of {@code deploy/topics.properties} (name=partitions;config=value;...), the production settings. */
final class TopicTemplates {
    record Template(int partitions, Map<String, String> configs) {}

    private TopicTemplates() {}

    static Map<String, Template> all() {
        Map<String, Template> topics = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Jvm.ROOT.resolve("deploy/topics.properties"))) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] nameRest = line.split("=", 2);
                String[] parts = nameRest[1].split(";");
                Map<String, String> configs = new LinkedHashMap<>();
                for (int i = 1; i < parts.length; i++) {
                    String[] kv = parts[i].split("=", 2);
                    configs.put(kv[0], kv[1]);
                }
                topics.put(nameRest[0], new Template(Integer.parseInt(parts[0]), configs));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return topics;
    }

    static Template get(String name) {
        Template t = all().get(name);
        if (t == null) {
            throw new IllegalArgumentException("deploy/topics.properties has no topic " + name);
        }
        return t;
    }
}
