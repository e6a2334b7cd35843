package org.forecaster.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OpenApiContractTest {
    private static final String COMPONENTS = """
            "components": {"schemas": {
              "ApiError": {"type": "object", "properties": {"error": {"type": "string"}}},
              "Result": {"type": "object", "properties": {"accepted": {"type": "integer"}}},
              "Conflict": {"type": "object", "properties": {"error": {"type": "string"}, "runId": {"type": "string"}}},
              "Rejection": {"oneOf": [{"$ref": "#/components/schemas/Result"}, {"$ref": "#/components/schemas/ApiError"}]}
            }, "responses": {
              "Unauthorized": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}},
              "Untyped": {"description": "no body"}
            }}""";

    private static String doc(String responses) {
        return "{\"paths\": {\"/api/x\": {\"post\": {\"responses\": {" + responses + "}}}}, " + COMPONENTS + "}";
    }

    private static String json(String status, String schema) {
        return "\"" + status + "\": {\"content\": {\"application/json\": {\"schema\": " + schema + "}}}";
    }

    @Test
    void shouldAcceptRefsToComponentsWithPropertiesAndOneOfsOfThem() {
        String responses = String.join(",", json("202", "{\"$ref\": \"#/components/schemas/Result\"}"),
                json("400", "{\"$ref\": \"#/components/schemas/Rejection\"}"),
                json("401", "{\"$ref\": \"#/components/schemas/ApiError\"}"),
                json("409", "{\"$ref\": \"#/components/schemas/Conflict\"}"), "\"204\": {\"description\": \"none\"}");
        assertEquals(List.of(), OpenApiContract.violations(doc(responses), "ApiError"));
    }

    @Test
    void shouldFlagBareObjectsUntypedResponsesAndErrorsWithoutTheErrorSchema() {
        String responses = String.join(",", json("200", "{\"type\": \"object\"}"), "\"404\": {\"description\": \"gone\"}",
                json("503", "{\"$ref\": \"#/components/schemas/Result\"}"));
        List<String> problems = OpenApiContract.violations(doc(responses), "ApiError");
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("POST /api/x 200 application/json: schema is not a $ref"), problems.get(0));
        assertTrue(problems.get(1).startsWith("POST /api/x 404: no content schema"), problems.get(1));
        assertTrue(problems.get(2).startsWith("POST /api/x 503 application/json: error response does not reference ApiError"),
                problems.get(2));
        assertEquals("POST /api/x: no typed 2xx response", problems.get(3));
    }

    @Test
    void shouldFollowResponsesSharedUnderComponents() {
        String ok = json("200", "{\"$ref\": \"#/components/schemas/Result\"}");
        assertEquals(List.of(), OpenApiContract.violations(doc(ok + ", \"401\": {\"$ref\": \"#/components/responses/Unauthorized\"}"), "ApiError"));
        assertEquals(List.of("POST /api/x 404: no content schema", "POST /api/x 503: $ref to a missing response #/components/responses/Gone"),
                OpenApiContract.violations(doc(ok + ", \"404\": {\"$ref\": \"#/components/responses/Untyped\"}, "
                        + "\"503\": {\"$ref\": \"#/components/responses/Gone\"}"), "ApiError"));
    }

    @Test
    void shouldFlagAMissingErrorSchema() {
        assertEquals(List.of("error schema Missing is not a component with properties"),
                OpenApiContract.violations(doc(json("200", "{\"$ref\": \"#/components/schemas/Result\"}")), "Missing"));
    }
}
