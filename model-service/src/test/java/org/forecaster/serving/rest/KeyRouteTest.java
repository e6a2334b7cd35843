package org.forecaster.serving.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class KeyRouteTest {
    private static final HostInfo SELF = new HostInfo("10.0.0.1", 8080);
    private static final HostInfo OTHER = new HostInfo("10.0.0.2", 8080);

    @Test
    void shouldReadLocallyWhenThisInstanceOwnsTheKey() {
        KeyRoute r = KeyRoute.of(new KeyQueryMetadata(SELF, Set.of(OTHER), 3), SELF);
        assertEquals(KeyRoute.Kind.LOCAL, r.kind());
        assertNull(r.owner());
    }

    @Test
    void shouldRouteToTheActiveOwnerEvenWhenThisInstanceHasAStandby() {
        KeyRoute r = KeyRoute.of(new KeyQueryMetadata(OTHER, Set.of(SELF), 1), SELF);
        assertEquals(new KeyRoute(KeyRoute.Kind.REMOTE, OTHER), r);
    }

    @Test
    void shouldBeUnavailableBeforeAnAssignmentOrWhenTheOwnerAdvertisesNoAddress() {
        assertEquals(KeyRoute.Kind.UNAVAILABLE, KeyRoute.of(KeyQueryMetadata.NOT_AVAILABLE, SELF).kind());
        assertEquals(KeyRoute.Kind.UNAVAILABLE, KeyRoute.of(null, SELF).kind());
        assertEquals(KeyRoute.Kind.UNAVAILABLE, KeyRoute.of(new KeyQueryMetadata(HostInfo.unavailable(), Set.of(), 0), SELF).kind());
    }

    @Test
    void shouldReadLocallyWithoutAnAdvertisedAddress() {
        assertEquals(KeyRoute.Kind.LOCAL, KeyRoute.of(new KeyQueryMetadata(HostInfo.unavailable(), Set.of(), 0), null).kind());
        assertNull(KeyRoute.parse(" "));
        assertEquals(SELF, KeyRoute.parse("10.0.0.1:8080"));
    }

    @Test
    void shouldRedirectToTheSamePathAndQueryOnTheOwner() {
        Response r = new KeyRoute(KeyRoute.Kind.REMOTE, OTHER)
                .redirect(URI.create("http://service.ns:8080/api/v1/series/a%20b/forecast?x=1"), "a b");
        assertEquals(307, r.getStatus());
        assertEquals(URI.create("http://10.0.0.2:8080/api/v1/series/a%20b/forecast?x=1"), r.getLocation());
        String body = new String((byte[]) r.getEntity(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"owner\":\"10.0.0.2:8080\""), body);
    }

    @Test
    void shouldAskClientsToRetryWhileTheStoreIsNotQueryable() {
        Response r = KeyRoute.unavailable("rebalancing");
        assertEquals(503, r.getStatus());
        assertEquals(String.valueOf(KeyRoute.RETRY_AFTER_SECONDS), r.getHeaderString("Retry-After"));
    }
}
