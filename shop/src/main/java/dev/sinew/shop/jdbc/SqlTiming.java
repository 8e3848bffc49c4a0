package dev.sinew.shop.jdbc;

import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/** Runs one JDBC call and records its duration on a timer, whether it returns or throws. */
final class SqlTiming {

    /** A JDBC call. */
    interface SqlCall<T> {
        T call() throws SQLException;
    }

    private SqlTiming() {
    }

    static <T> T timed(Timer timer, SqlCall<T> call) throws SQLException {
        long t0 = System.nanoTime();
        try {
            return call.call();
        } finally {
            timer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
    }
}
