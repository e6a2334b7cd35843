package org.forecaster.trainer.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Gives the framework's own client errors (a body that is not JSON, a wrong Content-Type) the {@link ApiError} body
 * the API document promises; without it they had an empty body.
 */
public class ClientErrorMapper {
    @ServerExceptionMapper
    public Response clientError(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        if (status < 400 || status >= 500) {
            return original;
        }
        String message = e.getMessage() == null ? original.getStatusInfo().getReasonPhrase() : e.getMessage();
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message)).build();
    }
}
