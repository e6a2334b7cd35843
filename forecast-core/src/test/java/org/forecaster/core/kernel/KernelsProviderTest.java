package org.forecaster.core.kernel;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelsProviderTest {

    @Test
    void scalarPropertyGivesTheReference() {
        assertSame(ScalarKernels.INSTANCE, KernelsProvider.forProperty("scalar"));
        assertSame(ScalarKernels.INSTANCE, KernelsProvider.named(" Scalar "));
    }

    @Test
    void vectorIsTheDefault() {
        assertSame(VectorKernels.INSTANCE, KernelsProvider.forProperty(null));
        assertSame(VectorKernels.INSTANCE, KernelsProvider.forProperty("vector"));
    }

    @Test
    void getChoosesOnceFromTheProperty() {
        Kernels chosen = KernelsProvider.get();
        assertSame(KernelsProvider.forProperty(System.getProperty(KernelsProvider.PROPERTY)), chosen);
        assertSame(chosen, KernelsProvider.get());
    }

    @Test
    void unknownValueIsRejectedWithTheAllowedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelsProvider.forProperty("avx9000"));
        assertTrue(e.getMessage().contains("avx9000") && e.getMessage().contains("scalar")
                && e.getMessage().contains("vector") && e.getMessage().contains(KernelsProvider.PROPERTY),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelsProvider.named(""));
    }
}
