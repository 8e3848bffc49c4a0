package dev.sinew.shop.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

    private static final long NOW = 1_800_000_000L;

    private static KeyPair keys() throws Exception {
        return KeyPairGenerator.getInstance(Tokens.ALGORITHM).generateKeyPair();
    }

    @Test
    void acceptsAValidTokenAgainFromTheCacheUntilItExpires() throws Exception {
        KeyPair k = keys();
        String token = Tokens.sign(k.getPrivate(), "alice", NOW, 60);
        VerifiedTokens cache = new VerifiedTokens(16);
        assertThat(cache.user(k.getPublic(), token, NOW)).isEqualTo("alice");
        assertThat(cache.user(k.getPublic(), token, NOW + 60)).isEqualTo("alice");
        assertThat(cache.user(k.getPublic(), token, NOW + 61)).as("expired, though cached").isNull();
    }

    @Test
    void rejectsAForgedTokenEvenWhenTheGenuineOneIsCached() throws Exception {
        KeyPair k = keys();
        String token = Tokens.sign(k.getPrivate(), "alice", NOW, 60);
        VerifiedTokens cache = new VerifiedTokens(1); // one slot: every token lands on the cached one
        assertThat(cache.user(k.getPublic(), token, NOW)).isEqualTo("alice");
        String payload = token.substring(0, token.indexOf('.'));
        String forgedPayload = Tokens.sign(k.getPrivate(), "bob", NOW, 60);
        String forged = forgedPayload.substring(0, forgedPayload.indexOf('.')) + token.substring(token.indexOf('.'));
        assertThat(cache.user(k.getPublic(), forged, NOW)).isNull();
        char last = token.charAt(token.length() - 1);
        String badSignature = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertThat(cache.user(k.getPublic(), badSignature, NOW)).isNull();
        assertThat(cache.user(k.getPublic(), payload, NOW)).isNull();
        assertThat(cache.user(k.getPublic(), token, NOW)).isEqualTo("alice");
    }

    @Test
    void aTokenCachedForOneKeyIsNotAcceptedForAnother() throws Exception {
        KeyPair k = keys();
        KeyPair other = keys();
        String token = Tokens.sign(k.getPrivate(), "alice", NOW, 60);
        VerifiedTokens cache = new VerifiedTokens(16);
        assertThat(cache.user(k.getPublic(), token, NOW)).isEqualTo("alice");
        assertThat(cache.user(other.getPublic(), token, NOW)).isNull();
    }

    @Test
    void manyTokensInFewSlotsAreAllStillVerifiedCorrectly() throws Exception {
        KeyPair k = keys();
        VerifiedTokens cache = new VerifiedTokens(4);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 20; i++) {
                String t = Tokens.sign(k.getPrivate(), "user" + i, NOW, 60);
                assertThat(cache.user(k.getPublic(), t, NOW)).isEqualTo("user" + i);
                assertThat(cache.user(k.getPublic(), t, NOW)).isEqualTo("user" + i);
            }
        }
        assertThat(cache.user(k.getPublic(), null, NOW)).isNull();
    }

    @Test
    void capacityIsBounded() {
        assertThatThrownBy(() -> new VerifiedTokens(0)).hasMessageContaining("capacity is 0");
    }
}
