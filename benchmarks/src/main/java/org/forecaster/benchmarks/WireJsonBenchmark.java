package org.forecaster.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.forecaster.core.wire.ForecastJsonWriter;
import org.forecaster.core.wire.ForecastRecord;
import org.forecaster.core.wire.Point;
import org.forecaster.core.wire.PointBinary;
import org.forecaster.core.wire.PointJsonReader;
import org.forecaster.core.wire.PointReader;
import org.forecaster.core.wire.WireJson;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The model service's JSON work per point: reading the point from {@code telemetry.points} and writing the
 * forecast with K horizon steps, through Jackson data binding ({@code WireJson}) and through the hand-written
 * {@link PointJsonReader} / {@link ForecastJsonWriter}; and the point both ways in the binary form of issue 18
 * ({@link PointBinary}, through {@link PointReader} as the services read it) against the JSON. Score: ns per record.
 * The point benchmarks do not depend on {@code horizon}: run them with {@code -p horizon=12}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class WireJsonBenchmark {
    @Param({"12", "48"})
    int horizon;

    ForecastRecord forecast;
    Point point;
    byte[] pointJson;
    byte[] pointBinary;
    final ForecastJsonWriter writer = new ForecastJsonWriter();

    @Setup
    public void setup() {
        Instant t0 = Instant.parse("2014-04-10T00:05:00Z");
        List<ForecastRecord.Step> steps = new ArrayList<>();
        for (int k = 0; k < horizon; k++) {
            double m = 41.3 + Math.sin(k) * 3.7;
            steps.add(new ForecastRecord.Step(t0.plusSeconds(300L * (k + 1)), m, m - 4.118273, m + 4.118273));
        }
        forecast = new ForecastRecord("ec2_cpu_utilization_5f5533", t0, 43.218, 7, false, 0.95, steps);
        point = new Point("ec2_cpu_utilization_5f5533", t0, t0.plusSeconds(300), 3, 43.218, 40.1, 45.9, 44.0);
        pointJson = WireJson.write(point);
        pointBinary = PointBinary.write(point);
    }

    @Benchmark
    public byte[] writeForecastJackson() {
        return WireJson.write(forecast);
    }

    @Benchmark
    public byte[] writeForecastHandWritten() {
        return writer.write(forecast);
    }

    @Benchmark
    public Point readPointJackson() {
        return WireJson.read(pointJson, Point.class);
    }

    @Benchmark
    public Point readPointStreaming() {
        return PointJsonReader.read(pointJson);
    }

    /** What the previous release's ingest wrote per point. */
    @Benchmark
    public byte[] writePointJsonHandWritten() {
        return writer.write(point);
    }

    @Benchmark
    public byte[] writePointBinary() {
        return PointBinary.write(point);
    }

    /** An old JSON record through the services' reader: the first-byte dispatch should cost nothing measurable. */
    @Benchmark
    public Point readPointJsonViaPointReader() {
        return PointReader.read(pointJson);
    }

    @Benchmark
    public Point readPointBinary() {
        return PointReader.read(pointBinary);
    }
}
