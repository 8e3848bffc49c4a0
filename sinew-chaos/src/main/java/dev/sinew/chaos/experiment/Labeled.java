package dev.sinew.chaos.experiment;

/** An enum constant with the name it has in experiment files, such as {@code error-rate}. */
public interface Labeled {
    String label();
}
