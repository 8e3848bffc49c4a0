package dev.sinew.shop.alerts;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shop module's directory: Maven runs tests in it; an IDE may run them from the repository root. */
final class ShopFiles {

    static final String RULES = "src/main/resources/alerts/sinew-shop.rules.yml";
    static final String DEMO_RULES = "src/main/resources/alerts/sinew-shop-demo.rules.yml";
    static final String DASHBOARD = "src/main/resources/grafana/sinew-shop-dashboard.json";
    static final String RULE_TESTS = "src/test/alerts";

    private ShopFiles() {}

    static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate : new Path[] {here, here.resolve("shop")}) {
            if (Files.isRegularFile(candidate.resolve(RULES))) {
                return candidate;
            }
        }
        return fail("cannot find " + RULES + " from " + here + " (run the tests from the shop module or the repository root)");
    }
}
