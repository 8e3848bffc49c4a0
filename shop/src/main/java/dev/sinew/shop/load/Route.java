package dev.sinew.shop.load;

import java.util.Locale;

/** The gateway routes the load generator calls, by the name used in {@code --mix}. */
public enum Route {
    /** GET /api/products: the catalog page. */
    PRODUCTS,
    /** GET /api/products/{id}: a product page. */
    PRODUCT,
    /** GET /api/recommendations?user=: the recommendation strip. */
    RECOMMENDATIONS,
    /** POST /api/login: a new session. */
    LOGIN,
    /** POST /api/orders with a session token and an Idempotency-Key. */
    ORDER,
    /** GET /api/orders/{id} of an order placed earlier in this run. */
    GET_ORDER,
    /** POST /api/orders/{id}/pay of an order placed earlier in this run. */
    PAY;

    /** The name in {@code --mix} and in the report: products, product, recommendations, login, order, get-order, pay. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Route of(String label) {
        for (Route r : values()) {
            if (r.label().equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("mix: unknown route '" + label
                + "'; expected products, product, recommendations, login, order, get-order or pay");
    }
}
