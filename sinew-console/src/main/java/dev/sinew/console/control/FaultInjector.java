package dev.sinew.console.control;

import dev.sinew.console.admin.AdminException;
import java.util.List;

/**
 * Breaks and repairs whole nodes of the system (for the shop: the launcher's kill, freeze, thaw,
 * stop and start of a process). The console calls it only when chaos controls are enabled.
 */
public interface FaultInjector {

    /** The nodes that can be acted on, e.g. the services and the broker. */
    List<String> nodes();

    /** Applies {@code action} to {@code node}; throws {@link AdminException} with the reason when it cannot. */
    void apply(String node, String action);
}
