package dev.sinew.shop.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinew.shop.runtime.ApiException;
import dev.sinew.shop.runtime.Database;
import dev.sinew.shop.runtime.Http;
import dev.sinew.shop.runtime.Json;
import dev.sinew.shop.runtime.ServiceContext;
import dev.sinew.shop.runtime.ShopModule;
import io.javalin.config.RoutesConfig;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Users and sessions: {@code POST /login {"user","password"}} → {@code {"token"}} signed with an
 * Ed25519 key kept in auth's database; {@code GET /public-key} for the verifiers. Seeds alice/alice
 * and bob/bob. Calls nobody.
 */
public final class AuthService implements ShopModule {

    /** Session lifetime. */
    public static final long TOKEN_TTL_SECONDS = 12 * 3600;

    private Database db;
    private PrivateKey privateKey;
    private String publicKey;

    @Override
    public void start(ServiceContext ctx) throws Exception {
        db = ctx.db();
        db.ddl("CREATE TABLE IF NOT EXISTS users (name VARCHAR(64) PRIMARY KEY, salt VARCHAR(64) NOT NULL, "
                        + "password_hash VARCHAR(128) NOT NULL)",
                "CREATE TABLE IF NOT EXISTS signing_keys (id INT PRIMARY KEY, algorithm VARCHAR(32) NOT NULL, "
                        + "private_key VARCHAR(512) NOT NULL, public_key VARCHAR(512) NOT NULL)");
        try (Connection c = db.connection()) {
            for (String u : new String[] {"alice", "bob"}) {
                String salt = "seed-" + u;
                insertIgnoringDuplicate(c, "INSERT INTO users (name, salt, password_hash) VALUES (?, ?, ?)",
                        u, salt, hash(salt, u));
            }
            KeyPair kp = KeyPairGenerator.getInstance(Tokens.ALGORITHM).generateKeyPair();
            insertIgnoringDuplicate(c, "INSERT INTO signing_keys (id, algorithm, private_key, public_key) VALUES (1, ?, ?, ?)",
                    Tokens.ALGORITHM, Base64.getEncoder().encodeToString(kp.getPrivate().getEncoded()),
                    Base64.getEncoder().encodeToString(kp.getPublic().getEncoded()));
            try (PreparedStatement ps = c.prepareStatement("SELECT private_key, public_key FROM signing_keys WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                privateKey = Tokens.privateKey(rs.getString(1));
                publicKey = rs.getString(2);
            }
        }
    }

    private static void insertIgnoringDuplicate(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!Database.isDuplicate(e)) {
                throw e;
            }
        }
    }

    static String hash(String salt, String password) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(md.digest((salt + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void routes(RoutesConfig r) {
        r.get("/public-key", ctx -> Http.json(ctx, 200,
                Json.object().put("algorithm", Tokens.ALGORITHM).put("key", publicKey)));
        r.post("/login", ctx -> {
            JsonNode body = Json.parseBody(ctx.body());
            String user = Json.text(body, "user", 64);
            String password = Json.text(body, "password", 256);
            boolean ok = false;
            try (Connection c = db.connection();
                 PreparedStatement ps = c.prepareStatement("SELECT salt, password_hash FROM users WHERE name = ?")) {
                ps.setString(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        ok = MessageDigest.isEqual(hash(rs.getString(1), password).getBytes(StandardCharsets.UTF_8),
                                rs.getString(2).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            if (!ok) {
                throw new ApiException(401, "invalid_credentials", "unknown user or wrong password");
            }
            long now = System.currentTimeMillis() / 1000;
            String token = Tokens.sign(privateKey, user, now, TOKEN_TTL_SECONDS);
            Http.json(ctx, 200, Json.object().put("token", token).put("user", user).put("expiresAt", now + TOKEN_TTL_SECONDS));
        });
    }
}
