package dev.sinew.shop.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * What one service process is started with (see {@code ShopService --help}).
 *
 * @param service   gateway, auth, catalog, recommendation, order, payment or inventory
 * @param port      HTTP port (0 picks a free one)
 * @param dataDir   where the H2 database lives
 * @param peers     base URLs of the other services this one calls, by service name
 * @param kafka     bootstrap servers of the broker (order and inventory), or null
 * @param jdbcUrl   a JDBC URL (PostgreSQL) instead of the embedded H2 file database, or null
 * @param chaos     fault injection on: fault policies on every pipeline and {@code /admin/faults}
 *                  (off by default; the game day turns it on)
 * @param naive     call peers as a naive client would (no timeouts, unbudgeted retries, no breaker):
 *                  the game day's comparison mode; off by default
 */
public record ServiceOptions(String service, int port, Path dataDir, Map<String, URI> peers, String kafka,
                             String jdbcUrl, String jdbcUser, String jdbcPassword, boolean chaos, boolean naive) {

    public ServiceOptions {
        peers = Map.copyOf(peers);
    }

    /** Options with fault injection off. */
    public ServiceOptions(String service, int port, Path dataDir, Map<String, URI> peers, String kafka,
                          String jdbcUrl, String jdbcUser, String jdbcPassword) {
        this(service, port, dataDir, peers, kafka, jdbcUrl, jdbcUser, jdbcPassword, false, false);
    }

    /** Options with naive clients off. */
    public ServiceOptions(String service, int port, Path dataDir, Map<String, URI> peers, String kafka,
                          String jdbcUrl, String jdbcUser, String jdbcPassword, boolean chaos) {
        this(service, port, dataDir, peers, kafka, jdbcUrl, jdbcUser, jdbcPassword, chaos, false);
    }

    public URI peer(String name) {
        URI uri = peers.get(name);
        if (uri == null) {
            throw new IllegalArgumentException(service + " needs --peer " + name + "=http://127.0.0.1:<port>");
        }
        return uri;
    }

    /**
     * The JDBC URL. H2's default WRITE_DELAY (500 ms) keeps commits in memory for up to half a second:
     * a SIGKILL then loses acknowledged work (found by the fault test's audit: a PAID order without its
     * charge, an order whose reservation vanished after its Kafka offset was committed). WRITE_DELAY=0
     * writes every commit to the file before returning (no fsync: survives a process crash, which is
     * what a kill is).
     */
    public String effectiveJdbcUrl() {
        if (jdbcUrl != null) {
            return jdbcUrl;
        }
        return "jdbc:h2:" + dataDir.toAbsolutePath().resolve("db") + h2Settings();
    }

    /** The H2 URL's settings; {@code -Dsinew.shop.h2.settings=;...} replaces them (to compare settings in the kill campaign). */
    static String h2Settings() {
        String s = System.getProperty("sinew.shop.h2.settings");
        return s == null || s.isBlank() ? H2_SETTINGS : s;
    }

    static final String H2_SETTINGS = ";AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000;WRITE_DELAY=0";
}
