package org.forecaster.trainer;

import static io.restassured.RestAssured.given;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.forecaster.testkit.KafkaTestResource;
import org.forecaster.trainer.rest.TrainResource;
import org.junit.jupiter.api.Test;

/**
 * Scopes on the trainer (issue 17): only a key of the {@code operate} scope, from the key file, reaches
 * {@code POST /api/v1/train}; an ingest or read key is refused like no key. A malformed body shows that the request got
 * past the key check (400 from the endpoint) without starting a run.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "topics", value = "telemetry.points:1,model.weights:1,model.evaluations:1"))
@TestProfile(TrainerAccessIT.OperateKeyFile.class)
class TrainerAccessIT {
    static final Path KEYS_FILE = keysFile();
    static final String OPERATE_KEY = "operate-key-1";
    static final String INGEST_KEY = "ingest-key-1";
    static final String READ_KEY = "read-key-1";

    public static final class OperateKeyFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("forecast.security.operate-keys-file", KEYS_FILE.toString(), "forecast.security.keys-reload", "PT0S",
                    "forecast.trainer.api-key", "");
        }
    }

    private static Path keysFile() {
        try {
            Path file = Files.createTempFile("operate", ".keys");
            Files.writeString(file, OPERATE_KEY + "\n");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldRefuseKeysOfOtherScopesOnTheTrainEndpoint() {
        for (String other : new String[] {INGEST_KEY, READ_KEY, "test-key"}) {
            given().header(TrainResource.API_KEY_HEADER, other).contentType(ContentType.JSON).body("{}")
                    .post("/api/v1/train").then().statusCode(401);
        }
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/train").then().statusCode(401);
        given().header(TrainResource.API_KEY_HEADER, OPERATE_KEY).contentType(ContentType.JSON).body("{\"epochs\":")
                .post("/api/v1/train").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.notNullValue()); // the documented ApiError, not an empty body
        // Reading the last run needs no key (no privilege): still served.
        given().get("/api/v1/runs/last").then().statusCode(404);
    }
}
