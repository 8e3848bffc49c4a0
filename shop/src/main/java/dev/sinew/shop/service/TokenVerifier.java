package dev.sinew.shop.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinew.shop.runtime.ApiException;
import dev.sinew.shop.runtime.PeerClient;
import dev.sinew.shop.runtime.PeerResponse;
import dev.sinew.shop.runtime.ResponseContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies bearer tokens locally with auth's public key. The key is fetched from auth once (at
 * startup in the background, or at first use) through the "auth" pipeline and cached in memory and in
 * {@code <data-dir>/auth-public-key}, so a restarted service verifies sessions even while auth is down.
 * A token's signature is verified once ({@link VerifiedTokens}); its expiry on every request.
 */
public final class TokenVerifier {

    private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);

    private final PeerClient auth;
    private final Path keyFile;
    private final ReentrantLock fetching = new ReentrantLock();
    private final VerifiedTokens verified = new VerifiedTokens(1024);
    private volatile PublicKey key;

    public TokenVerifier(PeerClient auth, Path dataDir) {
        this.auth = auth;
        this.keyFile = dataDir.resolve("auth-public-key");
        try {
            if (Files.exists(keyFile)) {
                key = Tokens.publicKey(Files.readString(keyFile, StandardCharsets.UTF_8).trim());
            }
        } catch (Exception e) {
            log.warn("ignoring unreadable cached auth key {}: {}", keyFile, e.toString());
        }
    }

    /** Fetches the key in the background if it is not cached yet. */
    public void prefetch() {
        if (key == null) {
            Thread t = new Thread(() -> {
                try {
                    fetch();
                } catch (Exception e) {
                    log.warn("auth public key not available yet ({}); will retry at first use", e.toString());
                }
            }, "auth-key-fetch");
            t.setDaemon(true);
            t.start();
        }
    }

    public boolean hasKey() {
        return key != null;
    }

    /** The user of {@code Authorization: Bearer <token>}, or 401; 503 if the key was never obtained. */
    public String user(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ApiException.unauthorized("missing Authorization: Bearer <token>; log in first (POST /api/login)");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("Authorization must be 'Bearer <token>'");
        }
        PublicKey k = key;
        if (k == null) {
            try {
                k = fetch();
            } catch (Exception e) {
                throw ApiException.unavailable("auth_unavailable",
                        "cannot verify sessions yet: the auth service has not been reachable since this service started", 5);
            }
        }
        String user = verified.user(k, authorization.substring(7).trim(), System.currentTimeMillis() / 1000);
        if (user == null) {
            throw ApiException.unauthorized("invalid or expired token; log in again");
        }
        return user;
    }

    private PublicKey fetch() throws Exception {
        fetching.lock();
        try {
            if (key != null) {
                return key;
            }
            PeerResponse r = auth.get("public-key", ResponseContract.requires("key"));
            JsonNode body = r.json();
            if (!r.ok() || !body.hasNonNull("key")) {
                throw new IOException("auth answered " + r.status() + " to GET /public-key");
            }
            String encoded = body.get("key").asText();
            PublicKey k = Tokens.publicKey(encoded);
            try {
                Files.createDirectories(keyFile.getParent());
                Path tmp = keyFile.resolveSibling("auth-public-key.tmp");
                Files.writeString(tmp, encoded, StandardCharsets.UTF_8);
                Files.move(tmp, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                log.warn("could not cache the auth key in {}: {}", keyFile, e.toString());
            }
            key = k;
            log.info("auth public key obtained");
            return k;
        } finally {
            fetching.unlock();
        }
    }
}
