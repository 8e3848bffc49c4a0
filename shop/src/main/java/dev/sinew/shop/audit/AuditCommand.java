package dev.sinew.shop.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./sinew audit}: the shop's invariants across its databases; exit 1 on a violation. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Checks the shop's invariants across the order, payment and inventory databases:",
            "every accepted order has exactly one stock reservation or an out-of-stock outcome, stock counts",
            "match the reservations, at most one successful charge per order and consistent with the order,",
            "no order left in a non-final state. Orders updated within --grace are in flight and only counted.",
            "Exit code 0: all hold; 1: a violation; 2: the databases could not be read."})
public final class AuditCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "data", description = "the shop's data directory (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--grace", defaultValue = "30", description = "seconds an order may still be in flight (default: ${DEFAULT-VALUE})")
    long graceSeconds;

    @Option(names = "--order-jdbc-url", description = "the order database (instead of <data-dir>/order/db)")
    String orderUrl;

    @Option(names = "--payment-jdbc-url", description = "the payment database (instead of <data-dir>/payment/db)")
    String paymentUrl;

    @Option(names = "--inventory-jdbc-url", description = "the inventory database (instead of <data-dir>/inventory/db)")
    String inventoryUrl;

    @Option(names = "--jdbc-user", description = "database user for the JDBC URLs (or SINEW_JDBC_USER)")
    String user = System.getenv("SINEW_JDBC_USER");

    @Option(names = "--jdbc-password", description = "database password for the JDBC URLs (or SINEW_JDBC_PASSWORD)")
    String password = System.getenv("SINEW_JDBC_PASSWORD");

    public static void main(String[] args) {
        System.exit(new CommandLine(new AuditCommand()).execute(args));
    }

    @Override
    public Integer call() {
        try {
            Duration grace = Duration.ofSeconds(graceSeconds);
            Audit audit = orderUrl == null && paymentUrl == null && inventoryUrl == null
                    ? Audit.ofDataDir(dataDir, grace)
                    : Audit.ofUrls(require(orderUrl, "--order-jdbc-url"), require(paymentUrl, "--payment-jdbc-url"),
                            require(inventoryUrl, "--inventory-jdbc-url"), user, password, grace);
            AuditReport report = audit.run();
            System.out.print(report.format());
            return report.passed() ? 0 : 1;
        } catch (Exception e) {
            System.err.println("audit: " + e.getMessage());
            return 2;
        }
    }

    private static String require(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException(option + " is required when any --*-jdbc-url is given");
        }
        return value;
    }
}
