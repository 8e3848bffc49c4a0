package dev.sinew.shop.service;

import java.sql.SQLException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Runs a gauge's query on a background schedule, never per scrape. A failing query is logged once
 * (the gauge reads NaN meanwhile) and logged again only after it has worked in between.
 */
final class GaugeRefresh {

    /** One measurement; on failure it leaves its gauge at NaN and throws. */
    interface Query {
        void run() throws SQLException;
    }

    private final Query query;
    private final Logger log;
    private final String failureMessage;
    private boolean failing; // the scheduler's thread only

    private GaugeRefresh(Query query, Logger log, String failureMessage) {
        this.query = query;
        this.log = log;
        this.failureMessage = failureMessage;
    }

    /** Runs {@code query} now and then every {@code millis}; {@code failureMessage} is logged with the error. */
    static void every(ScheduledExecutorService scheduler, long millis, Query query, Logger log, String failureMessage) {
        GaugeRefresh r = new GaugeRefresh(query, log, failureMessage);
        scheduler.scheduleWithFixedDelay(r::runQuietly, 0, millis, TimeUnit.MILLISECONDS);
    }

    private void runQuietly() {
        try {
            query.run();
            failing = false;
        } catch (Exception e) {
            if (!failing) {
                log.warn("{}: {}", failureMessage, e.toString());
                failing = true;
            }
        }
    }
}
