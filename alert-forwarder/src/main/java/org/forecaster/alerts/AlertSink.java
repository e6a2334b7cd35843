package org.forecaster.alerts;

import java.util.List;

/** Where alerts are posted: Alertmanager ({@link AlertmanagerClient}), or a fake in tests. */
interface AlertSink {
    /** Posts the alerts in one request and says how it went; never throws for a failed request. */
    PostResult post(List<AlertmanagerAlert> alerts);

    /**
     * How a post went.
     *
     * @param status HTTP status, or 0 when there was no answer
     * @param detail the answer's body or the I/O error, for the log
     */
    record PostResult(Outcome outcome, int status, String detail) {
        enum Outcome {
            /** 2xx: Alertmanager has the alerts. */
            ACCEPTED,
            /** 4xx other than 408/429: the request itself is wrong and will be refused again. */
            REJECTED,
            /** No answer, 5xx, 408 or 429: worth trying again later. */
            UNAVAILABLE
        }

        static PostResult ofStatus(int status, String body) {
            Outcome o = status >= 200 && status < 300 ? Outcome.ACCEPTED
                    : status >= 400 && status < 500 && status != 408 && status != 429 ? Outcome.REJECTED
                    : Outcome.UNAVAILABLE;
            return new PostResult(o, status, body);
        }

        static PostResult noAnswer(String why) {
            return new PostResult(Outcome.UNAVAILABLE, 0, why);
        }
    }
}
