package dev.sinew.shop.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** What a long process test leaves under target/ for a person to read after it: the nodes' logs and its report. */
final class RunArtifacts {

    private RunArtifacts() {
    }

    /** Copies every node's log below {@code dataDir} to {@code target/<folder>}, flattened. */
    static void keepLogs(Path dataDir, String folder) {
        Path out = Path.of("target", folder);
        try (var files = Files.walk(dataDir)) {
            Files.createDirectories(out);
            List<Path> logs = files.filter(f -> f.getFileName().toString().endsWith(".log")).toList();
            for (Path f : logs) {
                Files.copy(f, out.resolve(dataDir.relativize(f).toString().replace('/', '_')), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.out.println("could not keep the logs: " + e);
        }
    }

    /** Writes {@code text} to {@code target/<file>}; the report is also on stdout, so a failure only says so. */
    static void writeReport(String file, String text) {
        try {
            Path out = Path.of("target", file);
            Files.createDirectories(out.getParent());
            Files.writeString(out, text);
        } catch (IOException e) {
            System.out.println("could not write target/" + file + ": " + e);
        }
    }
}
