package org.forecaster.serving.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model service's packages form a tree (issue 20), bottom up: {@code metrics}; {@code weights} (model files in,
 * the holder); {@code topology} (the stream and its processor); {@code rest} (HTTP, SSE, the dashboard's feed);
 * {@code config} (configuration and the beans that wire the rest together), which nothing imports.
 */
class PackageTreeTest {
    private static final String SERVING = "org.forecaster.serving";
    private static JavaClasses serving;

    @BeforeAll
    static void importServing() {
        serving = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(SERVING);
    }

    @Test
    void shouldHaveNoCyclesBetweenPackages() {
        slices().matching(SERVING + ".(*)..").should().beFreeOfCycles().check(serving);
    }

    @Test
    void shouldImportOnlyFromLowerPackages() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("metrics").definedBy(SERVING + ".metrics..")
                .layer("weights").definedBy(SERVING + ".weights..")
                .layer("topology").definedBy(SERVING + ".topology..")
                .layer("rest").definedBy(SERVING + ".rest..")
                .layer("config").definedBy(SERVING + ".config..")
                .whereLayer("config").mayNotBeAccessedByAnyLayer()
                .whereLayer("rest").mayOnlyBeAccessedByLayers("config")
                .whereLayer("topology").mayOnlyBeAccessedByLayers("rest", "config")
                .whereLayer("weights").mayOnlyBeAccessedByLayers("topology", "rest", "config")
                .check(serving);
    }
}
