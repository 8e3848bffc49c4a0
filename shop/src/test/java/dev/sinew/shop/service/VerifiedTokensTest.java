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
        int sig = token.indexOf('.') + 1; // change the signature's first character (all 6 bits are data)
        char c = token.charAt(sig);
        String badSignature = token.substring(0, sig) + (c == 'A' ? 'B' : 'A') + token.substring(sig + 1);
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
    void concurrentCallersAlwaysGetTheRightUser() throws Exception {
        KeyPair k = keys();
        String[] tokens = new String[16];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = Tokens.sign(k.getPrivate(), "user" + i, NOW, 60);
        }
        VerifiedTokens cache = new VerifiedTokens(2); // constant eviction and replacement between threads
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                    int wrong = 0;
                    for (int n = 0; n < 300; n++) {
                        int i = r.nextInt(tokens.length);
                        if (!("user" + i).equals(cache.user(k.getPublic(), tokens[i], NOW))) {
                            wrong++;
                        }
                    }
                    return wrong;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : results) {
                assertThat(f.get()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void capacityIsBounded() {
        assertThatThrownBy(() -> new VerifiedTokens(0)).hasMessageContaining("capacity is 0");
    }
}
