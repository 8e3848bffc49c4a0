package dev.sinew.shop.launcher;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The state file {@code data/shop-state.json}: which launcher runs the shop, its control port, and
 * every node's pid and port. Written atomically (temp file + rename) on every change; read by
 * {@code ./sinew shop kill|freeze|...} from another terminal and by the next launcher start.
 */
final class ShopState {

    /** One node: its pid (-1 when down), port and URL (the bootstrap address for the broker). */
    record Node(long pid, int port, String url) {
    }

    /** The whole file. */
    record Snapshot(long launcherPid, int controlPort, String updatedAt, Map<String, Node> nodes, int brokerProxyPort) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;

    ShopState(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** {@code brokerProxyPort}: the fault proxy's port in front of the broker, 0 when Kafka is not proxied. */
    void write(long launcherPid, int controlPort, Map<String, Node> nodes, int brokerProxyPort) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), new Snapshot(launcherPid, controlPort, Instant.now().toString(), nodes, brokerProxyPort));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    Optional<Snapshot> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Snapshot.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort: the next start checks the pids anyway
        }
    }
}
