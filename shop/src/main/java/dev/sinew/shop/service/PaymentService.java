package dev.sinew.shop.service;

import dev.sinew.shop.runtime.ServiceContext;
import dev.sinew.shop.runtime.ShopModule;
import io.javalin.config.RoutesConfig;

/** Placeholder. */
public final class PaymentService implements ShopModule {
    @Override
    public void start(ServiceContext ctx) {
    }

    @Override
    public void routes(RoutesConfig r) {
    }
}
