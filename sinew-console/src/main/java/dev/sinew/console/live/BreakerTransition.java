package dev.sinew.console.live;

/** A breaker state change the console saw between two scrapes of the caller. */
public record BreakerTransition(long atMillis, String caller, String pipeline, String from, String to) {

    @Override
    public String toString() {
        return "breaker " + caller + "→" + pipeline + " " + from + " → " + to;
    }
}
