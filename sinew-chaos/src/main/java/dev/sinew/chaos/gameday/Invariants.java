package dev.sinew.chaos.gameday;

/**
 * The end-to-end check after an experiment (the shop's audit): nothing lost, nothing done twice.
 *
 * @param checked          false when the audit could not run (then {@code note} says why)
 * @param lostOrders       accepted orders never decided by inventory
 * @param duplicateCharges orders charged more than once
 * @param violations       every violated invariant, lost orders and duplicate charges included
 */
public record Invariants(boolean checked, long lostOrders, long duplicateCharges, long violations, String note) {

    public static Invariants notChecked(String why) {
        return new Invariants(false, 0, 0, 0, why);
    }

    public boolean passed() {
        return checked && violations == 0;
    }

    /**
     * What is new since {@code before} (an earlier audit of the same system): the counts above it
     * (never below 0), the note saying how many earlier violations are still open. So a violation
     * an earlier experiment caused is not blamed on every later one.
     */
    public Invariants since(Invariants before) {
        if (!checked || before == null || !before.checked || before.violations == 0) {
            return this;
        }
        String open = before.violations + " earlier violation(s) not counted here";
        return new Invariants(true, Math.max(0, lostOrders - before.lostOrders),
                Math.max(0, duplicateCharges - before.duplicateCharges), Math.max(0, violations - before.violations),
                note == null || note.isEmpty() ? open : note + "; " + open);
    }

    /** True when this audit found nothing beyond what {@code before} had already found. */
    public boolean noWorseThan(Invariants before) {
        return checked && (before == null || !before.checked ? violations == 0
                : lostOrders <= before.lostOrders && duplicateCharges <= before.duplicateCharges
                        && violations <= before.violations);
    }
}
