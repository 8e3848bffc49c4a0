package dev.sinew.console.scrape;

import java.net.URI;
import java.util.Objects;

/** A service the console watches: its name (as in the {@code service} tag) and base URL. */
public record Target(String service, URI baseUrl) {

    public Target {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(baseUrl, "baseUrl");
        String s = baseUrl.toString();
        if (s.endsWith("/")) {
            baseUrl = URI.create(s.substring(0, s.length() - 1));
        }
    }

    public static Target of(String service, String baseUrl) {
        return new Target(service, URI.create(baseUrl));
    }

    /** {@code host:port}: the instance the service reports in its {@code instance} tag. */
    public String instance() {
        return baseUrl.getHost() + ":" + baseUrl.getPort();
    }

    public URI resolve(String path) {
        return URI.create(baseUrl + path);
    }
}
