package dev.sinew.chaos.experiment;

/**
 * A rejected experiment file: names the file, the line and column, and the reason, such as
 * {@code experiments/pay.json line 7, column 14: fault 'kil' is not one of kill, freeze, ...}.
 */
public final class ExperimentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final String reason;

    public ExperimentException(String source, int line, int column, String reason) {
        super(source + " line " + line + ", column " + column + ": " + reason);
        this.source = source;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    public String source() {
        return source;
    }

    /** 1-based line of the offending value. */
    public int line() {
        return line;
    }

    /** 1-based column of the offending value. */
    public int column() {
        return column;
    }

    /** What is wrong, without the location. */
    public String reason() {
        return reason;
    }
}
