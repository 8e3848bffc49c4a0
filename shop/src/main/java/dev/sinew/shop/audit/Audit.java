package dev.sinew.shop.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinew.outbox.store.H2Recovery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the shop's invariants across the order, payment and inventory databases.
 *
 * <p>Invariants (an order younger than the grace period, by its last update, is still in flight and
 * only counted):
 * <ul>
 *   <li><b>reservation</b>: every accepted order has exactly one inventory outcome, RESERVED or
 *       OUT_OF_STOCK; no outcome exists for an order the order service does not know; the order's
 *       {@code inventory_status} agrees with the inventory's outcome.</li>
 *   <li><b>stock</b>: per product, {@code reserved} equals the quantities of the RESERVED
 *       reservations, and {@code available} is never negative.</li>
 *   <li><b>charge</b>: at most one successful charge per order; none for an unknown order; a PAID
 *       order has a successful charge, a charged order is PAID (never charged but failed or pending).</li>
 *   <li><b>final state</b>: no order stays PAYMENT_PENDING (or another non-final status) after recovery.</li>
 * </ul>
 *
 * <p>The databases are read through JDBC: by default the services' H2 files
 * {@code <dataDir>/<service>/db} with {@code AUTO_SERVER=TRUE}, so the audit reads them while the
 * services run (a file left by a killed service is recovered first, {@link H2Recovery}); PostgreSQL
 * URLs work the same.
 */
public final class Audit {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LINES_PER_KIND = 10;
    private static final Set<String> FINAL_ORDER_STATUSES = Set.of("PAID", "PAYMENT_FAILED");

    private final String orderUrl;
    private final String paymentUrl;
    private final String inventoryUrl;
    private final String user;
    private final String password;
    private final Duration grace;

    private Audit(String orderUrl, String paymentUrl, String inventoryUrl, String user, String password, Duration grace) {
        this.orderUrl = orderUrl;
        this.paymentUrl = paymentUrl;
        this.inventoryUrl = inventoryUrl;
        this.user = user;
        this.password = password;
        this.grace = grace;
    }

    /** An audit of the H2 databases under {@code dataDir} (as the launcher lays them out). */
    public static Audit ofDataDir(Path dataDir, Duration grace) {
        return new Audit(h2(dataDir, "order"), h2(dataDir, "payment"), h2(dataDir, "inventory"), "sa", "", grace);
    }

    /** An audit of three databases given by JDBC URL (e.g. PostgreSQL). */
    public static Audit ofUrls(String orderUrl, String paymentUrl, String inventoryUrl, String user, String password,
                               Duration grace) {
        return new Audit(orderUrl, paymentUrl, inventoryUrl, user, password, grace);
    }

    static String h2(Path dataDir, String service) {
        Path db = dataDir.toAbsolutePath().resolve(service).resolve("db");
        if (!Files.exists(db.resolveSibling("db.mv.db"))) {
            throw new IllegalArgumentException("no " + service + " database at " + db + ".mv.db (wrong --data-dir?)");
        }
        return "jdbc:h2:" + db + ";AUTO_SERVER=TRUE;IFEXISTS=TRUE;LOCK_TIMEOUT=10000";
    }

    /** Reads the three databases and checks every invariant. */
    public AuditReport run() throws SQLException {
        // a file whose service was killed and is not back yet: this process would become its AUTO_SERVER
        // host, and H2's own recovery would drop the last commits (SHOP.md, known issue); a running
        // service's file is left alone (IN_USE), and PostgreSQL needs nothing
        for (String url : List.of(orderUrl, paymentUrl, inventoryUrl)) {
            H2Recovery.recoverUrl(url);
        }
        long now = System.currentTimeMillis();
        long settledBefore = now - grace.toMillis();

        Map<String, Order> orders = new HashMap<>();
        query(orderUrl, "SELECT id, status, inventory_status, created_ms, updated_ms FROM orders", rs -> orders.put(
                rs.getString(1), new Order(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5))));
        List<String[]> charges = new ArrayList<>();
        query(paymentUrl, "SELECT order_id, status FROM charges", rs -> charges.add(new String[] {rs.getString(1), rs.getString(2)}));
        List<String[]> reservations = new ArrayList<>();
        query(inventoryUrl, "SELECT order_id, status, items FROM reservations",
                rs -> reservations.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}));
        Map<String, int[]> stock = new TreeMap<>();
        query(inventoryUrl, "SELECT product_id, available, reserved FROM stock",
                rs -> stock.put(rs.getString(1), new int[] {rs.getInt(2), rs.getInt(3)}));

        // where each OrderPlaced is (order's outbox -> Kafka -> inventory's inbox or dead letters), to
        // explain a missing inventory outcome instead of only reporting it
        Map<String, String[]> placed = new HashMap<>();
        query(orderUrl, "SELECT msg_key, message_id, sent_ms FROM sinew_outbox WHERE topic = 'shop.orders'",
                rs -> placed.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)}));
        Map<String, String> inventoryInbox = new HashMap<>();
        query(inventoryUrl, "SELECT message_id, status FROM sinew_inbox WHERE consumer = 'inventory'",
                rs -> inventoryInbox.put(rs.getString(1), rs.getString(2)));
        Map<String, String> inventoryDead = new HashMap<>();
        query(inventoryUrl, "SELECT msg_key, error FROM sinew_dead_letter WHERE consumer = 'inventory'",
                rs -> inventoryDead.put(rs.getString(1), firstLine(rs.getString(2))));
        long[] repaired = {0};
        query(orderUrl, "SELECT COUNT(*) FROM orders WHERE placed_republished > 0", rs -> repaired[0] = rs.getLong(1));
        long[] orderDead = {0};
        query(orderUrl, "SELECT COUNT(*) FROM sinew_dead_letter", rs -> orderDead[0] = rs.getLong(1));

        // orders are read first: an order placed while the audit reads the other databases can already have a
        // charge or a reservation. Those ids are looked up again before calling them unknown.
        Set<String> laterOrders = new HashSet<>();
        boolean unknownIds = charges.stream().anyMatch(c -> !orders.containsKey(c[0]))
                || reservations.stream().anyMatch(r -> !orders.containsKey(r[0]));
        if (unknownIds) {
            query(orderUrl, "SELECT id FROM orders", rs -> laterOrders.add(rs.getString(1)));
        }

        Map<String, Long> counts = new LinkedHashMap<>();
        Violations v = new Violations();
        long lost = 0;
        long duplicateCharges = 0;
        counts.put("dead letters in inventory", (long) inventoryDead.size());
        counts.put("dead letters in order", orderDead[0]);
        // orders whose OrderPlaced the order service published again (no inventory outcome in time): not a
        // violation once they are decided, but each one is a message that did not make it the first time
        counts.put("orders repaired (OrderPlaced published again)", repaired[0]);
        counts.put("orders", (long) orders.size());
        Map<String, Long> byStatus = new TreeMap<>();
        Map<String, Long> byInventory = new TreeMap<>();
        long inFlight = 0;
        for (Order o : orders.values()) {
            byStatus.merge(o.status, 1L, Long::sum);
            byInventory.merge(o.inventoryStatus, 1L, Long::sum);
            if (o.updatedMs >= settledBefore) {
                inFlight++;
            }
        }
        byStatus.forEach((k, n) -> counts.put("orders " + k, n));
        byInventory.forEach((k, n) -> counts.put("orders inventory " + k, n));
        counts.put("orders updated within the grace period (" + grace.toSeconds() + " s)", inFlight);

        // --- reservations: exactly one outcome per order
        Map<String, List<String>> outcomes = new HashMap<>();
        Map<String, Integer> reservedQty = new TreeMap<>();
        for (String[] r : reservations) {
            outcomes.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]);
            if ("RESERVED".equals(r[1])) {
                try {
                    for (JsonNode item : JSON.readTree(r[2])) {
                        reservedQty.merge(item.path("productId").asText(), item.path("quantity").asInt(), Integer::sum);
                    }
                } catch (IOException e) {
                    v.add("stock", "reservation of order " + r[0] + " has unreadable items: " + e.getMessage());
                }
            }
        }
        counts.put("inventory outcomes", (long) reservations.size());
        counts.put("inventory RESERVED", reservations.stream().filter(r -> "RESERVED".equals(r[1])).count());
        counts.put("inventory OUT_OF_STOCK", reservations.stream().filter(r -> "OUT_OF_STOCK".equals(r[1])).count());
        for (Map.Entry<String, List<String>> e : outcomes.entrySet()) {
            Order o = orders.get(e.getKey());
            if (o == null && !laterOrders.contains(e.getKey())) {
                v.add("reservation", "inventory has an outcome " + e.getValue() + " for order " + e.getKey()
                        + " that the order service does not know");
            } else if (e.getValue().size() > 1) {
                v.add("reservation", "order " + o.id + " has " + e.getValue().size() + " inventory outcomes " + e.getValue());
            }
        }
        for (Order o : orders.values()) {
            List<String> out = outcomes.get(o.id);
            boolean settled = o.updatedMs < settledBefore;
            if (out == null) {
                if (settled || o.createdMs < settledBefore) {
                    lost++;
                    v.add("reservation", "order " + o.id + " (" + o.status + ", created " + age(now, o.createdMs)
                            + " ago) has no stock reservation and no out-of-stock outcome; "
                            + trail(o.id, placed, inventoryInbox, inventoryDead, now));
                }
            } else if (out.size() == 1 && !out.get(0).equals(o.inventoryStatus) && settled) {
                v.add("reservation", "order " + o.id + " says inventory " + o.inventoryStatus + " but inventory decided "
                        + out.get(0) + " (" + age(now, o.updatedMs) + " ago)");
            }
        }

        // --- stock
        for (Map.Entry<String, int[]> e : stock.entrySet()) {
            int expected = reservedQty.getOrDefault(e.getKey(), 0);
            if (e.getValue()[1] != expected) {
                v.add("stock", "product " + e.getKey() + ": reserved " + e.getValue()[1] + " but RESERVED reservations hold " + expected);
            }
            if (e.getValue()[0] < 0) {
                v.add("stock", "product " + e.getKey() + ": available " + e.getValue()[0] + " is negative");
            }
        }
        counts.put("stock units reserved", (long) stock.values().stream().mapToInt(s -> s[1]).sum());

        // --- charges: at most one success per order, consistent with the order's status
        Map<String, Integer> successes = new HashMap<>();
        Map<String, Integer> all = new HashMap<>();
        for (String[] c : charges) {
            all.merge(c[0], 1, Integer::sum);
            if ("CHARGED".equals(c[1])) {
                successes.merge(c[0], 1, Integer::sum);
            }
        }
        counts.put("charges", (long) charges.size());
        counts.put("charges CHARGED", successes.values().stream().mapToLong(Integer::longValue).sum());
        counts.put("charges DECLINED", charges.stream().filter(c -> "DECLINED".equals(c[1])).count());
        for (Map.Entry<String, Integer> e : all.entrySet()) {
            if (!orders.containsKey(e.getKey()) && !laterOrders.contains(e.getKey())) {
                v.add("charge", "payment has " + e.getValue() + " charge(s) for order " + e.getKey() + " that the order service does not know");
            }
        }
        for (Map.Entry<String, Integer> e : successes.entrySet()) {
            if (e.getValue() > 1) {
                duplicateCharges++;
                v.add("charge", "order " + e.getKey() + " was charged " + e.getValue() + " times");
            }
        }
        for (Order o : orders.values()) {
            boolean charged = successes.containsKey(o.id);
            boolean settled = o.updatedMs < settledBefore;
            if ("PAID".equals(o.status) && !charged) {
                v.add("charge", "order " + o.id + " is PAID but payment has no successful charge");
            } else if (charged && !"PAID".equals(o.status) && ("PAYMENT_FAILED".equals(o.status) || settled)) {
                v.add("charge", "order " + o.id + " was charged but is " + o.status + " (" + age(now, o.updatedMs) + " ago)");
            }
        }

        // --- final states
        for (Order o : orders.values()) {
            if (!FINAL_ORDER_STATUSES.contains(o.status) && o.updatedMs < settledBefore) {
                v.add("final state", "order " + o.id + " is still " + o.status + ", last updated " + age(now, o.updatedMs) + " ago");
            }
        }
        counts.put(AuditReport.LOST_ORDERS, lost);
        counts.put(AuditReport.DUPLICATE_CHARGES, duplicateCharges);
        counts.put("violations", v.total);
        return new AuditReport(counts, v.lines, v.total);
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void query(String url, String sql, RowReader reader) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                reader.read(rs);
            }
        } catch (SQLException e) {
            throw new SQLException("audit: cannot read " + url.replaceAll(";.*", "") + " (" + sql + "): " + e.getMessage(),
                    e.getSQLState(), e);
        }
    }

    /** Where the order's OrderPlaced message got to. */
    private static String trail(String orderId, Map<String, String[]> placed, Map<String, String> inbox,
                                Map<String, String> dead, long now) {
        String[] message = placed.get(orderId);
        if (message == null) {
            return "its OrderPlaced is not in order's outbox (never published, or purged after the retention)";
        }
        if (message[1] == null) {
            return "its OrderPlaced " + message[0] + " is still unsent in order's outbox";
        }
        String where = "its OrderPlaced " + message[0] + " was sent to Kafka " + age(now, Long.parseLong(message[1])) + " ago";
        String status = inbox.get(message[0]);
        if (dead.containsKey(orderId)) {
            return where + " and is in inventory's dead letters: " + dead.get(orderId);
        }
        return where + (status == null ? " and inventory's inbox has no record of it"
                : " and inventory's inbox says " + status);
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }

    private static String age(long now, long ms) {
        return String.format("%.1f s", (now - ms) / 1000.0);
    }

    private record Order(String id, String status, String inventoryStatus, long createdMs, long updatedMs) {
    }

    private static final class Violations {
        final List<String> lines = new ArrayList<>();
        final Map<String, Integer> perKind = new HashMap<>();
        long total;

        void add(String kind, String line) {
            total++;
            int n = perKind.merge(kind, 1, Integer::sum);
            if (n <= MAX_LINES_PER_KIND) {
                lines.add(kind + ": " + line);
            } else if (n == MAX_LINES_PER_KIND + 1) {
                lines.add(kind + ": ... (more of this kind; see the count)");
            }
        }
    }
}
