package org.forecaster.serving;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition to a deadline (tests never sleep for a fixed time and hope). */
public final class Poll {
    private Poll() {}

    /**
     * Polls {@code condition} every 100 ms; a timeout names {@code what}. Another thread's uncaught exception does not
     * end the wait (Awaitility's default): the test's own assertions judge the outcome.
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        await(what).atMost(timeout).pollInterval(Duration.ofMillis(100)).dontCatchUncaughtExceptions()
                .until(condition::getAsBoolean);
    }
}
