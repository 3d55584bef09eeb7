package dev.cohort.dashboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SessionCookieTest {

    @Test
    void theCsrfValueIsTheSameForOneTokenOnEveryInstanceAndOtherForAnother() {
        assertEquals(SessionCookie.csrf("token-a"), SessionCookie.csrf("token-a"));
        assertNotEquals(SessionCookie.csrf("token-a"), SessionCookie.csrf("token-b"));
        assertFalse(SessionCookie.csrf("token-a").contains("token-a"));
        assertTrue(SessionCookie.csrf("token-a").matches("[A-Za-z0-9_-]{43}"), "base64url of 32 bytes, no padding");
        assertTrue(SessionCookie.csrfMatches("token-a", SessionCookie.csrf("token-a")));
        assertFalse(SessionCookie.csrfMatches("token-a", SessionCookie.csrf("token-b")));
        assertFalse(SessionCookie.csrfMatches("token-a", null));
        assertFalse(SessionCookie.csrfMatches("token-a", ""));
    }

    @Test
    void theCookieIsHttpOnlyStrictForTheWholeSiteAndSecureOverHttps() {
        assertEquals("cohort_session=t; Max-Age=60; Path=/; HttpOnly; SameSite=Strict", SessionCookie.set("t", 60, false));
        assertEquals("cohort_session=t; Max-Age=60; Path=/; HttpOnly; SameSite=Strict; Secure",
                SessionCookie.set("t", 60, true));
        assertTrue(SessionCookie.clear(false).startsWith("cohort_session=; Max-Age=0;"));
    }
}
