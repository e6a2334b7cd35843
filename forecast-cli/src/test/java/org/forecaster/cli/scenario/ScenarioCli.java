package org.forecaster.cli.scenario;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.forecaster.cli.ForecastCli;

/** Runs the CLI in-process and captures its exit code and output. */
record ScenarioCli(int code, String out, String err) {
    static ScenarioCli run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = ForecastCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new ScenarioCli(code, out.toString(), err.toString());
    }
}
