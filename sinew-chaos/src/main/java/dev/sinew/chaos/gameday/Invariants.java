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
}
