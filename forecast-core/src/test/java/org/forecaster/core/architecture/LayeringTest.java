package org.forecaster.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * forecast-core's layering, as {@code architecture/layers.properties} states it: what core may import, and which of
 * its packages may import which (issue 20). A violation fails the build with the offending dependency named.
 */
class LayeringTest {
    private static final String CORE = "org.forecaster.core";
    private static JavaClasses core;
    private static Properties rules;

    @BeforeAll
    static void importCore() throws IOException {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(CORE);
        rules = new Properties();
        try (InputStream in = LayeringTest.class.getResourceAsStream("/architecture/layers.properties")) {
            rules.load(in);
        }
    }

    private static List<List<String>> layers() {
        List<List<String>> layers = new ArrayList<>();
        for (int i = 1; rules.containsKey("layer." + i); i++) {
            layers.add(Arrays.stream(rules.getProperty("layer." + i).split(",")).map(String::strip).toList());
        }
        return layers;
    }

    @Test
    void shouldImportNothingButTheJdkTheVectorApiAndJackson() {
        List<String> allowed = new ArrayList<>(Arrays.stream(rules.getProperty("allowed").split(",")).map(String::strip).toList());
        allowed.add(CORE + "..");
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(allowed.toArray(String[]::new)).check(core);
    }

    @Test
    void shouldListEveryPackageOfCoreInOneLayer() {
        TreeSet<String> packages = new TreeSet<>();
        core.forEach(c -> packages.add(c.getPackageName().substring(CORE.length() + 1).split("\\.")[0]));
        TreeSet<String> listed = new TreeSet<>();
        layers().forEach(listed::addAll);
        assertEquals(packages, listed, "every core package belongs in layers.properties");
    }

    @Test
    void shouldImportOnlyFromLowerLayers() {
        List<List<String>> layers = layers();
        for (int i = 0; i < layers.size(); i++) {
            List<String> notBelow = new ArrayList<>();
            for (int j = i; j < layers.size(); j++) {
                notBelow.addAll(layers.get(j));
            }
            for (String p : layers.get(i)) {
                String[] forbidden = notBelow.stream().filter(q -> !q.equals(p)).map(q -> CORE + "." + q + "..").toArray(String[]::new);
                noClasses().that().resideInAPackage(CORE + "." + p + "..").should().dependOnClassesThat()
                        .resideInAnyPackage(forbidden).check(core);
            }
        }
    }

    @Test
    void shouldHaveNoCyclesBetweenPackages() {
        slices().matching(CORE + ".(*)..").should().beFreeOfCycles().check(core);
    }
}
