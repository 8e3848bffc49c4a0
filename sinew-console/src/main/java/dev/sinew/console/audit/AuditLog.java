package dev.sinew.console.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Every change made through the console, appended as one JSON line to {@code audit.log} before the
 * answer goes back (and kept in memory, the last 500, for the page). Append-only: entries are never
 * rewritten. A failed write fails the action's answer rather than going unrecorded.
 */
public final class AuditLog {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEEP = 500;

    private final Path file;
    private final ArrayDeque<AuditEntry> recent = new ArrayDeque<>();

    public AuditLog(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    try {
                        remember(JSON.readValue(line, AuditEntry.class));
                    } catch (IOException e) {
                        // a torn last line: skipped
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit log " + file, e);
        }
    }

    /** Appends {@code e} to the file and the in-memory list. */
    public synchronized void record(AuditEntry e) {
        try {
            Files.writeString(file, JSON.writeValueAsString(e) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the audit log " + file + ": " + ex.getMessage(), ex);
        }
        remember(e);
    }

    /** The most recent entries, newest first. */
    public synchronized List<AuditEntry> recent(int max) {
        List<AuditEntry> out = new ArrayList<>();
        var it = recent.descendingIterator();
        while (it.hasNext() && out.size() < max) {
            out.add(it.next());
        }
        return out;
    }

    public Path file() {
        return file;
    }

    private void remember(AuditEntry e) {
        recent.addLast(e);
        while (recent.size() > KEEP) {
            recent.removeFirst();
        }
    }
}
