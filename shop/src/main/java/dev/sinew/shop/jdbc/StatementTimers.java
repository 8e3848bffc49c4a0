package dev.sinew.shop.jdbc;

import dev.sinew.micrometer.LatencyBuckets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code shop.jdbc.statements} timers of one database, one per (kind, table). A statement's
 * SQL is parsed once ({@link SqlShape}) and its timer cached by SQL text, so preparing a known
 * statement costs one map lookup. Both caches are bounded: at most {@value #MAX_SERIES} (kind, table)
 * series (later tables are tagged {@code other}) and at most {@value #MAX_SQL} SQL texts are
 * cached (beyond that they are parsed on each prepare, nothing grows).
 */
final class StatementTimers {

    static final String NAME = "shop.jdbc.statements";
    static final int MAX_SERIES = 128;
    static final int MAX_SQL = 2_000;

    private final MeterRegistry registry;
    private final Map<String, Timer> bySql = new ConcurrentHashMap<>();
    private final Map<String, Timer> byShape = new ConcurrentHashMap<>();
    private final Timer other;

    StatementTimers(MeterRegistry registry) {
        this.registry = registry;
        this.other = timer(SqlShape.OTHER);
    }

    /** The timer of statements whose SQL is unknown or unparseable. */
    Timer other() {
        return other;
    }

    /** The timer for {@code sql}: its kind and table. */
    Timer forSql(String sql) {
        if (sql == null) {
            return other;
        }
        Timer t = bySql.get(sql);
        if (t != null) {
            return t;
        }
        t = forShape(SqlShape.of(sql));
        if (bySql.size() < MAX_SQL) {
            bySql.putIfAbsent(sql, t);
        }
        return t;
    }

    private Timer forShape(SqlShape parsed) {
        Timer t = byShape.get(parsed.key());
        if (t != null) {
            return t;
        }
        SqlShape shape = byShape.size() < MAX_SERIES ? parsed : new SqlShape(parsed.kind(), SqlShape.OTHER_TABLE);
        return byShape.computeIfAbsent(shape.key(), k -> timer(shape));
    }

    private Timer timer(SqlShape shape) {
        return Timer.builder(NAME)
                .description("JDBC statements run by this service (its own SQL and the outbox/inbox), by kind and table")
                .tag("kind", shape.kind())
                .tag("table", shape.table())
                .serviceLevelObjectives(LatencyBuckets.boundaries())
                .register(registry);
    }
}
