package org.forecaster.ingest.rest;

import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Gives the framework's own client errors a JSON body like ours. Without it an unparseable Content-Type
 * (say {@code %%%}) got a bare 415 with an empty body (found by the fuzz test in BadInputIT).
 */
public class ClientErrorMapper {
    @ServerExceptionMapper
    public Response clientError(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        if (status < 400 || status >= 500) {
            return original;
        }
        String error = e instanceof NotSupportedException ? "bad-content-type" : "client-error";
        String message = e instanceof NotSupportedException
                ? "the Content-Type header cannot be read; send application/json or application/x-ndjson to /api/v1/events, "
                        + "application/x-protobuf to /api/v1/write"
                : (e.getMessage() == null ? original.getStatusInfo().getReasonPhrase() : e.getMessage());
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(error, message)).build();
    }
}
