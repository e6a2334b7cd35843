package org.forecaster.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the services promise about their OpenAPI documents (issue 19): every response a client can get is typed. Each
 * operation has a 2xx response, and every response with a body names a schema that is a {@code $ref} to a component
 * with {@code properties} (or a {@code oneOf} of such refs, for an endpoint that answers one status with two shapes);
 * a bare {@code type: object} or a response without content does not count. Error statuses name the service's error
 * schema (or a component with all of its properties and more). The only body-less responses allowed are 204 and 3xx without content.
 */
public final class OpenApiContract {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final String COMPONENT = "#/components/schemas/";

    private OpenApiContract() {}

    /**
     * The problems found in {@code json} (an OpenAPI 3 document in JSON), one line each naming the operation and
     * status; empty when the document keeps the contract.
     *
     * @param errorSchema the component name of the error body (as in {@code ApiError}); every 4xx and 5xx response
     *                    must reference it, directly or in its {@code oneOf}
     */
    public static List<String> violations(String json, String errorSchema) {
        JsonNode doc;
        try {
            doc = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("the API document is not JSON", e);
        }
        JsonNode schemas = doc.path("components").path("schemas");
        List<String> problems = new ArrayList<>();
        if (!isTypedComponent(schemas, errorSchema)) {
            problems.add("error schema " + errorSchema + " is not a component with properties");
        }
        JsonNode paths = doc.path("paths");
        if (paths.isEmpty()) {
            problems.add("the document has no paths");
        }
        for (Iterator<Map.Entry<String, JsonNode>> p = paths.fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            for (Iterator<Map.Entry<String, JsonNode>> o = path.getValue().fields(); o.hasNext(); ) {
                Map.Entry<String, JsonNode> op = o.next();
                if (METHODS.contains(op.getKey())) {
                    checkOperation(op.getKey().toUpperCase() + " " + path.getKey(), op.getValue().path("responses"), schemas,
                            doc.path("components").path("responses"), errorSchema, problems);
                }
            }
        }
        return problems;
    }

    private static void checkOperation(String operation, JsonNode responses, JsonNode schemas, JsonNode responseComponents,
                                       String errorSchema, List<String> problems) {
        boolean success = false;
        for (Iterator<Map.Entry<String, JsonNode>> r = responses.fields(); r.hasNext(); ) {
            Map.Entry<String, JsonNode> response = r.next();
            String status = response.getKey();
            JsonNode body = response.getValue();
            if (body.has("$ref")) { // a response shared under components/responses
                String ref = body.get("$ref").asText();
                body = responseComponents.path(ref.substring(ref.lastIndexOf('/') + 1));
                if (body.isMissingNode()) {
                    problems.add(operation + " " + status + ": $ref to a missing response " + ref);
                    continue;
                }
            }
            JsonNode content = body.path("content");
            if (content.isEmpty()) {
                if (status.equals("204")) {
                    success = true;
                } else if (!status.startsWith("3")) {
                    problems.add(operation + " " + status + ": no content schema");
                }
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> m = content.fields(); m.hasNext(); ) {
                Map.Entry<String, JsonNode> media = m.next();
                JsonNode schema = media.getValue().path("schema");
                String where = operation + " " + status + " " + media.getKey();
                if (!isTyped(schema, schemas)) {
                    problems.add(where + ": schema is not a $ref to a component with properties: " + schema);
                } else if (status.startsWith("2")) {
                    success = true;
                }
                if ((status.startsWith("4") || status.startsWith("5")) && !references(schema, errorSchema, schemas)) {
                    problems.add(where + ": error response does not reference " + errorSchema + ": " + schema);
                }
            }
        }
        if (!success) {
            problems.add(operation + ": no typed 2xx response");
        }
    }

    private static boolean isTyped(JsonNode schema, JsonNode schemas) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            return ref.startsWith(COMPONENT) && isTypedComponent(schemas, ref.substring(COMPONENT.length()));
        }
        return isTypedOneOf(schema, schemas);
    }

    private static boolean isTypedComponent(JsonNode schemas, String name) {
        JsonNode component = schemas.path(name);
        return !component.path("properties").isEmpty() || isTypedOneOf(component, schemas);
    }

    private static boolean isTypedOneOf(JsonNode schema, JsonNode schemas) {
        JsonNode oneOf = schema.path("oneOf");
        if (oneOf.isEmpty()) {
            return false;
        }
        for (JsonNode alternative : oneOf) {
            if (!alternative.has("$ref") || !isTyped(alternative, schemas)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code schema} is the error component, a component carrying all of its properties and more (an error
     * that says more, like a conflict naming the run in progress), or a oneOf (inline or behind a $ref) with one of
     * those among its alternatives.
     */
    private static boolean references(JsonNode schema, String errorSchema, JsonNode schemas) {
        String ref = schema.path("$ref").asText();
        JsonNode resolved = ref.startsWith(COMPONENT) ? schemas.path(ref.substring(COMPONENT.length())) : schema;
        if (ref.equals(COMPONENT + errorSchema) || extendsError(resolved, schemas.path(errorSchema))) {
            return true;
        }
        for (JsonNode alternative : resolved.path("oneOf")) {
            if (alternative.has("$ref") && references(alternative, errorSchema, schemas)) {
                return true;
            }
        }
        return false;
    }

    private static boolean extendsError(JsonNode component, JsonNode error) {
        JsonNode properties = component.path("properties");
        if (properties.isEmpty() || error.path("properties").isEmpty()) {
            return false;
        }
        for (Iterator<String> names = error.path("properties").fieldNames(); names.hasNext(); ) {
            if (!properties.has(names.next())) {
                return false;
            }
        }
        return true;
    }
}
