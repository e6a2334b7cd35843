package org.forecaster.serving.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.forecaster.core.anomaly.AlertRule;
import org.forecaster.core.anomaly.NoveltyScore;
import org.forecaster.serving.topology.ServingSpec;
import org.junit.jupiter.api.Test;

/** The mapping's defaults, application.properties and ServingSpec.defaults() say the same; the alert rule follows the scorer. */
class ServingConfigTest {
    private static ServingSpec spec(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(ServingConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
        return config.getConfigMapping(ServingConfig.class).toSpec();
    }

    @Test
    void shouldDefaultToDetectsNoveltyScoreWithItsAlertRule() {
        ServingSpec spec = spec(Map.of());
        assertEquals(ServingSpec.defaults(), spec);
        assertEquals(ServingSpec.Scorer.NOVELTY, spec.scorer());
        assertEquals(NoveltyScore.Spec.DEFAULT, spec.novelty());
        assertEquals(Duration.ofDays(1), spec.season());
        assertEquals(new AlertRule(0.97, 1, 3, 288, 2), spec.alertRule(), "a score opens 2 sigmas or more off its prediction");
    }

    @Test
    void shouldMatchTheDocumentedApplicationProperties() throws IOException {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(ServingConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(getClass().getResource("/application.properties"), 100)).build();
        assertEquals(ServingSpec.defaults(), config.getConfigMapping(ServingConfig.class).toSpec());
    }

    @Test
    void shouldKeepTheTailScorersAlertRuleAndLetExplicitValuesWin() {
        assertEquals(AlertRule.DEFAULT, spec(Map.of("forecast.serving.scorer", "tail")).alertRule());
        assertEquals(new AlertRule(0.99, 2, 5, 12, 1.5), spec(Map.of("forecast.serving.alert-threshold", "0.99",
                "forecast.serving.alert-open-after", "2", "forecast.serving.alert-resolve-after", "5",
                "forecast.serving.alert-probation-points", "12", "forecast.serving.alert-open-min-sigmas", "1.5")).alertRule());
        ServingSpec tuned = spec(Map.of("forecast.serving.novelty.mean-rows", "12", "forecast.serving.novelty.echo-rows", "0",
                "forecast.serving.novelty.recent-decay", "0", "forecast.serving.novelty.recent-tolerance", "0.5",
                "forecast.serving.novelty.min-flag-surprise", "0", "forecast.serving.season", "PT1H"));
        assertEquals(12, tuned.novelty().meanRows());
        assertEquals(0, tuned.novelty().echoRows());
        assertEquals(0, tuned.novelty().recentDecay());
        assertEquals(0.5, tuned.novelty().recentTolerance());
        assertEquals(0, tuned.novelty().minFlagSurprise());
        assertEquals(12, tuned.seasonSteps(Duration.ofMinutes(5).toMillis()), "an hour of 5-minute steps fits the 48-input ring");
        assertEquals(0, ServingSpec.defaults().seasonSteps(Duration.ofMinutes(5).toMillis()), "a day of them does not");
    }
}
