package dev.sinew.console.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * The secret that every admin API and the console require: 32 random bytes (base64url), made at
 * first start and kept in a file only its owner can read, so the launcher, the services and the
 * console share it without passing it on a command line.
 */
public final class AdminToken {

    private static final int BYTES = 32;
    private final String value;

    private AdminToken(String value) {
        this.value = value;
    }

    /** Reads the token in {@code file}, or creates the file (mode 600) with a new token when it is missing. */
    public static AdminToken loadOrCreate(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] raw = new byte[BYTES];
            new SecureRandom().nextBytes(raw);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file); // not REPLACE_EXISTING: a concurrent first start keeps the first token
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(tmp);
            }
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin token file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads an existing token file; fails naming the file when it is missing or empty. */
    public static AdminToken read(Path file) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.length() < 16) {
                throw new IllegalStateException("admin token file " + file + " holds no token (at least 16 characters expected)");
            }
            return new AdminToken(token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin token file " + file + ": " + e.getMessage(), e);
        }
    }

    /** A token with a known value (tests). */
    public static AdminToken of(String value) {
        if (value == null || value.length() < 16) {
            throw new IllegalArgumentException("admin token: at least 16 characters expected");
        }
        return new AdminToken(value);
    }

    /** The token itself, for clients that send it. */
    public String value() {
        return value;
    }

    /** True when {@code candidate} is the token; compares in constant time. */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or null. */
    public static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    @Override
    public String toString() {
        return "AdminToken[****]";
    }
}
