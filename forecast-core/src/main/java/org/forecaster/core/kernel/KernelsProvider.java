package org.forecaster.core.kernel;

import java.util.Locale;

/**
 * Chooses the {@link Kernels} implementation once per process. The system property {@value #PROPERTY} selects
 * {@code scalar} ({@link ScalarKernels}) or {@code vector} ({@link VectorKernels}, the default). When the
 * Vector API module is not available ({@code --add-modules jdk.incubator.vector} missing) {@code vector}
 * falls back to {@code scalar} with a warning, so a misconfigured JVM runs slower but still runs.
 *
 * <p>Thread-safe: the choice is made on first use by class initialisation.
 */
public final class KernelsProvider {

    /** System property that selects the implementation: {@code scalar} or {@code vector}. */
    public static final String PROPERTY = "forecast.kernels";

    private static final String DEFAULT = "vector";

    private KernelsProvider() {}

    /** The implementation for this process, chosen on first call from {@value #PROPERTY}. */
    public static Kernels get() {
        return Chosen.KERNELS;
    }

    /**
     * The implementation with the given name ({@code scalar} or {@code vector}, case-insensitive), for tests
     * and benchmarks. {@code vector} gives {@link ScalarKernels} when the Vector API module is missing.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Kernels named(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "scalar" -> ScalarKernels.INSTANCE;
            case "vector" -> vectorOrScalar();
            default -> throw new IllegalArgumentException(
                    PROPERTY + ": unknown kernels '" + name + "'; allowed: scalar, vector");
        };
    }

    /** The choice {@link #get()} makes for a property value ({@code null} when unset). */
    static Kernels forProperty(String value) {
        return named(value == null ? DEFAULT : value);
    }

    private static Kernels vectorOrScalar() {
        try {
            return VectorKernels.INSTANCE;
        } catch (LinkageError e) {
            // NoClassDefFoundError for jdk/incubator/vector/* when the module was not added to the JVM.
            System.getLogger(KernelsProvider.class.getName()).log(System.Logger.Level.WARNING,
                    "Vector API not available (" + e + "); using scalar kernels. "
                            + "Start the JVM with --add-modules jdk.incubator.vector.");
            return ScalarKernels.INSTANCE;
        }
    }

    /** Holder so the property is read once, on first use, without locking. */
    private static final class Chosen {
        static final Kernels KERNELS = forProperty(System.getProperty(PROPERTY));
    }
}
