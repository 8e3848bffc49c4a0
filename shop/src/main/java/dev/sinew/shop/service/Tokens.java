package dev.sinew.shop.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinew.shop.runtime.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Session tokens: {@code base64url(payload JSON) + "." + base64url(Ed25519 signature)}, payload
 * {@code {"sub":"alice","iat":..,"exp":..}} (epoch seconds). Auth signs with its private key; every
 * other service verifies with auth's public key, locally, so sessions keep working while auth is down.
 */
public final class Tokens {

    public static final String ALGORITHM = "Ed25519";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();

    private Tokens() {
    }

    public static String sign(PrivateKey key, String user, long nowSeconds, long ttlSeconds) throws GeneralSecurityException {
        String payload = Json.write(Json.object().put("sub", user).put("iat", nowSeconds).put("exp", nowSeconds + ttlSeconds));
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        Signature s = Signature.getInstance(ALGORITHM);
        s.initSign(key);
        s.update(p);
        return B64.encodeToString(p) + "." + B64.encodeToString(s.sign());
    }

    /** The user of a valid, unexpired token; null when the token is malformed, forged or expired. */
    public static String verify(PublicKey key, String token, long nowSeconds) {
        Session s = verifySignature(key, token);
        return s == null || s.expiresAt() < nowSeconds ? null : s.user();
    }

    /**
     * The session a well-formed token signed by {@code key} names, whatever its expiry; null when the
     * token is malformed or forged. The caller checks {@link Session#expiresAt()}.
     */
    public static Session verifySignature(PublicKey key, String token) {
        if (token == null || token.length() > 2048) {
            return null;
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return null;
        }
        try {
            byte[] p = D64.decode(token.substring(0, dot));
            byte[] sig = D64.decode(token.substring(dot + 1));
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(p);
            if (!s.verify(sig)) {
                return null;
            }
            JsonNode payload = Json.parse(new String(p, StandardCharsets.UTF_8));
            JsonNode sub = payload.get("sub");
            JsonNode exp = payload.get("exp");
            if (sub == null || !sub.isTextual() || exp == null || !exp.canConvertToLong()) {
                return null;
            }
            return new Session(sub.asText(), exp.asLong());
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return null;
        }
    }

    /** What a verified token says: its user and when it expires (epoch seconds). */
    public record Session(String user, long expiresAt) {
    }

    public static PublicKey publicKey(String base64) throws GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    public static PrivateKey privateKey(String base64) throws GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
