package dev.sinew.chaos.gameday;

import java.util.Locale;

/** Number formats shared by the report renderers. */
final class Fmt {

    private Fmt() {
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    static String ms(double millis) {
        return millis >= 100 ? String.format(Locale.ROOT, "%.0f", millis) : String.format(Locale.ROOT, "%.1f", millis);
    }

    static String seconds(Double s) {
        return s == null ? "-" : String.format(Locale.ROOT, "%.1f s", s);
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.1f s", s);
    }

    static String backlog(Backlog b) {
        if (b.peak() <= b.baseline()) {
            return b.peak() == 0 ? "0" : b.peak() + " (no growth)";
        }
        return b.peak() + ", " + (b.drained() ? "drained in " + seconds(b.drainSeconds()) : "NOT drained");
    }

    static String invariants(Invariants i) {
        if (!i.checked()) {
            return "not checked";
        }
        return i.lostOrders() + " / " + i.duplicateCharges() + (i.violations() > i.lostOrders() + i.duplicateCharges()
                ? " (+" + (i.violations() - i.lostOrders() - i.duplicateCharges()) + " other)" : "");
    }

    static String detect(ExperimentResult e) {
        return e.detectSeconds() == null ? "-" : seconds(e.detectSeconds());
    }
}
