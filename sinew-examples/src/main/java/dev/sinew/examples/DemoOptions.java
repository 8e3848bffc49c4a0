package dev.sinew.examples;

/** Command-line options of {@code ./sinew demo}. */
public record DemoOptions(int rate, int secondsPerPhase, boolean help) {

    static final String USAGE = """
            usage: ./sinew demo [--rate CALLS_PER_SECOND] [--seconds SECONDS_PER_PHASE]

            Calls a simulated payment service through a Sinew pipeline while the service is
            healthy, then failing half its calls, then hanging, then healthy again. Prints each
            second what callers saw and how many attempts reached the service, then a verdict.

              --rate N      calls per second (1-2000, default 100)
              --seconds N   seconds per phase (1-600, default 5)
              --help        this text
            """;

    static DemoOptions parse(String[] args) {
        int rate = 100;
        int seconds = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    return new DemoOptions(rate, seconds, true);
                }
                case "--rate" -> rate = number(args, ++i, "--rate", 1, 2000);
                case "--seconds" -> seconds = number(args, ++i, "--seconds", 1, 600);
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        return new DemoOptions(rate, seconds, false);
    }

    private static int number(String[] args, int i, String option, int min, int max) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value (" + min + "-" + max + ")");
        }
        try {
            int n = Integer.parseInt(args[i]);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + ": '" + args[i] + "' is not valid; expected an integer from " + min + " to " + max);
    }
}
