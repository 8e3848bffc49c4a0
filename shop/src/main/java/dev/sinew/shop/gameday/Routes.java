package dev.sinew.shop.gameday;

import dev.sinew.shop.load.Route;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The load generator's routes by the names experiment files may use, and which routes need which node. */
final class Routes {

    /** Which routes need which node (the shop's documented degradations); every other route must keep working. */
    static final Map<String, Set<Route>> NEEDS = Map.of(
            "payment", EnumSet.of(Route.ORDER, Route.PAY),
            "inventory", EnumSet.noneOf(Route.class),
            "broker", EnumSet.noneOf(Route.class),
            "recommendation", EnumSet.of(Route.RECOMMENDATIONS),
            "auth", EnumSet.of(Route.LOGIN),
            "catalog", EnumSet.of(Route.PRODUCTS, Route.PRODUCT, Route.RECOMMENDATIONS, Route.ORDER),
            "order", EnumSet.of(Route.ORDER, Route.GET_ORDER, Route.PAY),
            "gateway", EnumSet.allOf(Route.class));

    private static final Map<String, Route> PATHS = new LinkedHashMap<>();

    static {
        PATHS.put("GET /api/products", Route.PRODUCTS);
        PATHS.put("GET /api/products/{id}", Route.PRODUCT);
        PATHS.put("GET /api/recommendations", Route.RECOMMENDATIONS);
        PATHS.put("POST /api/login", Route.LOGIN);
        PATHS.put("POST /api/orders", Route.ORDER);
        PATHS.put("GET /api/orders/{id}", Route.GET_ORDER);
        PATHS.put("POST /api/orders/{id}/pay", Route.PAY);
    }

    private Routes() {
    }

    /** The routes a name means: a label ({@code order}), a gateway route ({@code POST /api/orders}) or {@code all}. */
    static Set<Route> parse(String name) {
        if ("all".equals(name)) {
            return EnumSet.allOf(Route.class);
        }
        Route byPath = PATHS.get(name);
        if (byPath != null) {
            return EnumSet.of(byPath);
        }
        for (Route r : Route.values()) {
            if (r.label().equals(name)) {
                return EnumSet.of(r);
            }
        }
        throw new IllegalArgumentException("route '" + name + "' is not one of all, products, product, recommendations,"
                + " login, order, get-order, pay, " + String.join(", ", PATHS.keySet()));
    }

    /** The routes that need {@code node}. */
    static Set<Route> needing(String node) {
        Set<Route> s = NEEDS.get(node);
        if (s == null) {
            throw new IllegalArgumentException("unknown target '" + node
                    + "'; expected gateway, auth, catalog, recommendation, order, payment, inventory or broker");
        }
        return s;
    }
}
