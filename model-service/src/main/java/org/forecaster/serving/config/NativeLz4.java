package org.forecaster.serving.config;

import io.quarkus.logging.Log;
import net.jpountz.lz4.LZ4Factory;

/**
 * Makes Kafka's lz4 compression use the JNI binding instead of the pure-Java one.
 *
 * <p>Kafka asks {@code LZ4Factory.fastestInstance()} for every batch, and lz4-java answers with the JNI
 * instance only when its native library is already loaded or its classes come from the system class loader.
 * Under Quarkus they come from the application class loader, so every batch was compressed by the safe Java
 * port: a third of the model service's CPU at 25,000 points/s (JFR, docs/benchmarks.md). Loading the library
 * once up front flips every later {@code fastestInstance()} to JNI. Where it cannot load (no binary for this
 * platform, or already bound to another class loader as in dev mode), compression stays correct, only slower.
 */
final class NativeLz4 {
    private NativeLz4() {}

    /** Loads the native library if possible; returns the instance Kafka will now use. */
    static LZ4Factory load() {
        try {
            LZ4Factory.nativeInstance();
        } catch (LinkageError | RuntimeException e) {
            Log.infof("lz4: native library not loaded (%s); Kafka compresses with the Java port", e.toString());
        }
        LZ4Factory used = LZ4Factory.fastestInstance();
        Log.debugf("lz4: Kafka compresses with %s", used);
        return used;
    }
}
