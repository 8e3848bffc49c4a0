package dev.sinew.shop.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;

/** One service's behaviour, plugged into the shared {@link ShopServer} runtime. */
public interface ShopModule extends AutoCloseable {

    /** Creates the schema, seeds data, starts background work. Must be quick (the process starts in < 2 s). */
    void start(ServiceContext ctx) throws Exception;

    /** Declares the service's routes. */
    void routes(RoutesConfig routes);

    /** Adds readiness details to {@code status}; returns false while not ready. */
    default boolean ready(ObjectNode status) {
        return true;
    }

    @Override
    default void close() throws Exception {
    }
}
