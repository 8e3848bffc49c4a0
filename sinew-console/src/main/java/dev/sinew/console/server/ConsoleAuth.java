package dev.sinew.console.server;

import dev.sinew.console.security.AdminToken;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;

/**
 * Who may use the console: a request carries the admin token as {@code Authorization: Bearer}
 * (scripts, tests) or the session cookie the login form sets. The cookie holds a value derived from
 * the token (SHA-256 of a fixed prefix and the token), never the token itself, so a leaked cookie
 * does not open the services' admin APIs; it is HttpOnly and SameSite=Strict, so another site's
 * page cannot send it.
 */
final class ConsoleAuth {

    static final String COOKIE = "sinew_console";
    /** Paths anyone may reach: the login form, its assets and liveness. */
    static final Set<String> PUBLIC = Set.of("/login", "/health/live", "/favicon.ico");

    private final AdminToken token;
    private final String session;

    ConsoleAuth(AdminToken token) {
        this.token = token;
        this.session = derive(token.value());
    }

    /** True when the request is the admin's. */
    boolean allowed(Context ctx) {
        String bearer = AdminToken.bearer(ctx.header("Authorization"));
        if (bearer != null) {
            return token.matches(bearer);
        }
        String cookie = ctx.cookie(COOKIE);
        return cookie != null && MessageDigest.isEqual(session.getBytes(StandardCharsets.UTF_8),
                cookie.getBytes(StandardCharsets.UTF_8));
    }

    /** The name an audit entry gives this requester: how it proved it holds the token. */
    String actor(Context ctx) {
        return ctx.header("Authorization") != null ? "admin-token" : "console-session";
    }

    String sessionValue() {
        return session;
    }

    boolean tokenMatches(String candidate) {
        return token.matches(candidate);
    }

    private static String derive(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(("sinew-console-session:" + token).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing", e);
        }
    }
}
