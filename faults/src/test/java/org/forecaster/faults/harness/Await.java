package org.forecaster.faults.harness;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;

/** Polling to a deadline: the fault tests wait for processes and topics this way, never with fixed sleeps. */
public final class Await {
    private Await() {}

    /** Polls {@code condition} every 250 ms until it holds; fails after {@code timeout} naming {@code what}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition, () -> "");
    }

    /**
     * As {@link #until(String, Duration, BooleanSupplier)}, adding {@code diagnostics} to the failure message. Another
     * thread's uncaught exception does not end the wait (Awaitility's default): the faults are deliberate here.
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> diagnostics) {
        try {
            await(what).atMost(timeout).pollInterval(Duration.ofMillis(250)).dontCatchUncaughtExceptions()
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what
                    + diagnostics.get(), e);
        }
    }
}
