package org.forecaster.ingest.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.InstantSource;
import org.apache.kafka.streams.Topology;
import org.forecaster.core.wire.RawEventParser;
import org.forecaster.ingest.topology.IngestSpec;
import org.forecaster.ingest.topology.IngestTopology;
import org.forecaster.ingest.topology.SeriesQuota;

/** Adapts configuration to the plain topology and parser; no logic of its own. Singletons: records and final classes cannot be proxied. */
@ApplicationScoped
public class IngestBeans {
    @Produces
    @Singleton
    InstantSource clock() {
        return InstantSource.system();
    }

    @Produces
    @Singleton
    RawEventParser.Limits limits(IngestConfig config) {
        IngestConfig.Validation v = config.validation();
        return new RawEventParser.Limits(v.maxPayloadBytes(), v.maxSeriesLength(), v.maxLabels(), v.earliest(), v.maxFutureSkew());
    }

    @Produces
    @Singleton
    RawEventParser parser(RawEventParser.Limits limits, InstantSource clock) {
        return new RawEventParser(limits, clock);
    }

    @Produces
    @Singleton
    IngestSpec spec(IngestConfig config, RawEventParser.Limits limits) {
        IngestConfig.Window w = config.window();
        return new IngestSpec(config.topics().raw(), config.topics().points(), config.topics().dlq(), w.step(), w.grace(),
                w.idleClose().orElse(IngestSpec.defaultIdleClose(w.step(), w.grace())), w.inMemoryStores(), limits,
                new SeriesQuota.Limits(config.quota().maxLiveSeries(), config.quota().maxNewSeriesPerMinute()),
                config.pointsFormat());
    }

    @Produces
    Topology topology(IngestSpec spec, InstantSource clock, IngestMetrics metrics) {
        return IngestTopology.build(spec, clock, metrics);
    }
}
