package dev.sinew.shop.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the newest commits of an H2 file that its process left without closing it (SIGKILL), before
 * H2 opens it: H2 2.x (measured on 2.5.252) otherwise loses them.
 *
 * <p>Why: with {@code WRITE_DELAY=0} every commit is written to the file before it returns, but H2
 * writes the chunk of a commit into free space it reuses inside the file (space of chunks dead for
 * longer than the retention time, 45 s by default), and its store header, which tells the next open
 * where the newest chunks are, is not rewritten for every chunk. After a SIGKILL, H2's quick recovery
 * follows the header's chain, stops at an older chunk and opens that version: the last commits
 * (1 to 13 in our runs), already answered, are gone although their bytes are in the file. The kill
 * campaign lost inventory reservations, an order's RESERVED and a placed order that way
 * ({@code ShopKillCampaignTest}; on PostgreSQL the same campaign loses nothing).
 *
 * <p>MVStore's recovery mode scans every block of the file for complete chunks and takes the newest
 * with a complete set of the chunks it refers to; closing the store then writes a header that points
 * at it, and H2 opens the database with every commit. A file closed cleanly is opened as usual (the
 * scan runs only after an unclean end). A file another process holds (an audit that became its
 * {@code AUTO_SERVER} host) is left alone: that process owns it.
 */
public final class H2Recovery {

    private static final Logger log = LoggerFactory.getLogger(H2Recovery.class);

    /** {@code -Dsinew.shop.h2.recovery=false} turns it off (to reproduce the loss). */
    public static final String PROPERTY = "sinew.shop.h2.recovery";

    /** What {@link #recover} did. */
    public enum Result {
        /** No file yet, or recovery turned off. */
        NONE,
        /** The file was closed cleanly: nothing to do. */
        CLEAN,
        /** The file was not closed cleanly; the full scan ran and the header now points at the newest chunk. */
        RECOVERED,
        /** Another process has the file open. */
        IN_USE
    }

    private H2Recovery() {
    }

    /** Recovers {@code <dbPath>.mv.db} ({@code dbPath} as in {@code jdbc:h2:<dbPath>}) if it was left unclean. */
    public static Result recover(Path dbPath) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return Result.NONE;
        }
        Path file = dbPath.resolveSibling(dbPath.getFileName() + ".mv.db");
        try {
            if (!Files.isRegularFile(file) || Files.size(file) == 0) {
                return Result.NONE;
            }
            if (closedCleanly(file)) {
                return Result.CLEAN;
            }
        } catch (IOException e) {
            log.warn("cannot read the H2 store header of {}: {}; H2 opens it as it is", file, e.toString());
            return Result.NONE;
        }
        long t0 = System.nanoTime();
        try {
            MVStore store = new MVStore.Builder().fileName(file.toString()).recoveryMode().autoCommitDisabled().open();
            long version = store.getCurrentVersion();
            store.close();
            log.info("{} was not closed cleanly: recovered by a full scan (version {}, {} ms)", file, version,
                    (System.nanoTime() - t0) / 1_000_000);
            return Result.RECOVERED;
        } catch (MVStoreException e) {
            if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                // the usual case for an audit of running services: debug, not info
                log.debug("{} is open in another process; it owns the recovery", file);
                return Result.IN_USE;
            }
            throw e;
        }
    }

    /**
     * True when the store header (the file's first block, text like {@code H:2,block:7,...,clean:1,...})
     * has H2's clean-shutdown mark.
     */
    static boolean closedCleanly(Path file) throws IOException {
        byte[] head = new byte[4096];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String header = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        int end = header.indexOf('\n');
        String first = end < 0 ? header : header.substring(0, end);
        return first.startsWith("H:") && first.contains(",clean:");
    }
}
