package org.forecaster.faults.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Random free ports: the fixed ports of the local run (19092, 8181...) are never used by tests. */
public final class Ports {
    /**
     * Below Linux's ephemeral range (32768-60999 by default). A port from {@code new ServerSocket(0)} lies in that
     * range, so between this check and the service binding it an outgoing connection (a Kafka client's) could take it
     * as its local port: a service then failed to start with "Address already in use" (seen once in CI).
     */
    private static final int FIRST = 20_000, COUNT = 12_000;
    /** Never the same port twice in one test JVM, though its first holder may have closed it. */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private Ports() {}

    public static int free() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = FIRST + ThreadLocalRandom.current().nextInt(COUNT);
            if (GIVEN.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + ".." + (FIRST + COUNT - 1) + " after 1000 tries");
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
