package dev.sinew.outbox.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.tx.Transaction;
import org.h2.mvstore.tx.TransactionStore;
import org.h2.value.VersionedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the newest commits of an H2 file that its process left without closing it (SIGKILL), before
 * H2 opens it: H2 2.x (measured on 2.5.252) otherwise loses them. Call {@link #recoverUrl} with the
 * JDBC URL before the first connection to an embedded H2 file that holds an outbox or inbox; it costs
 * one read of the file's first block after a clean shutdown.
 *
 * <p>Why: with {@code WRITE_DELAY=0} every commit is written to the file before it returns, but H2
 * writes the chunk of a commit into free space it reuses inside the file (space of chunks dead for
 * longer than the retention time, 45 s by default), and its store header, which tells the next open
 * where the newest chunks are, is not rewritten for every chunk. After a SIGKILL, H2's quick recovery
 * follows the header's chain, stops at an older chunk and opens that version: the last commits
 * (1 to 13 in our runs), already answered, are gone although their bytes are in the file. The kill
 * campaign lost inventory reservations, an order's RESERVED and a placed order that way (the
 * shop's {@code ShopKillCampaignTest}; on PostgreSQL the same campaign loses nothing): for an
 * outbox that is a message its transaction committed but no one will send, for an inbox a
 * processed message whose effect is gone while Kafka has its offset.
 *
 * <p>MVStore's recovery mode scans every block of the file for complete chunks and takes the newest
 * with a complete set of the chunks it refers to; closing the store then writes a header that points
 * at it, and H2 opens the database with every commit. A file closed cleanly is opened as usual (the
 * scan runs only after an unclean end). A file another process holds (an audit that became its
 * {@code AUTO_SERVER} host) is left alone: that process owns it.
 *
 * <p>A second H2 defect shows after a kill, too: a transaction that H2 had marked committed but not
 * yet applied to its rows when the process died stays that way. H2 2.5.252 does not finish it when
 * it opens the file (its {@code Transaction.commit()} skips a transaction already in the committed
 * state), so the transaction's rows stay locked for ever: a write to one of them spins at 100% CPU
 * (a service restarted after a kill hung at start that way) and readers do not see the committed
 * values. After the full scan, the recovery applies such transactions as H2 would have: each row
 * the transaction changed gets its new value (or is removed), and its undo log is dropped.
 */
public final class H2Recovery {

    private static final Logger log = LoggerFactory.getLogger(H2Recovery.class);

    /** {@code -Dsinew.h2.recovery=false} turns it off (to reproduce the loss). */
    public static final String PROPERTY = "sinew.h2.recovery";

    /** What {@link #recover} did. */
    public enum Result {
        /** No file yet, not a file database (in-memory, remote), or recovery turned off. */
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

    /**
     * Recovers the file of an embedded H2 URL ({@code jdbc:h2:./data/shop;...},
     * {@code jdbc:h2:file:~/shop}) if it was left unclean. In-memory, TCP and other URLs, and URLs that
     * are not H2, are left alone ({@link Result#NONE}): no file of this process to recover.
     */
    public static Result recoverUrl(String jdbcUrl) {
        Path path = filePath(jdbcUrl);
        return path == null ? Result.NONE : recover(path);
    }

    /**
     * The database path of an embedded H2 file URL (without {@code .mv.db}), or null for any other
     * URL. A leading {@code ~} is the user's home, as H2 reads it.
     */
    public static Path filePath(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
            return null;
        }
        String rest = jdbcUrl.substring(8);
        int options = rest.indexOf(';');
        String name = (options < 0 ? rest : rest.substring(0, options)).trim();
        int colon = name.indexOf(':');
        if (colon > 1 && name.substring(0, colon).chars().allMatch(Character::isLetter)) {
            // a file system prefix (a single letter before the colon is a Windows drive)
            String prefix = name.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!prefix.equals("file") && !prefix.equals("nio")) {
                return null; // mem:, tcp:, ssl:, zip:, split:, ... : not a plain file of this process
            }
            name = name.substring(colon + 1);
        }
        if (name.isEmpty()) {
            return null;
        }
        if (name.equals("~") || name.startsWith("~/") || name.startsWith("~\\")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        return Path.of(name).toAbsolutePath().normalize();
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
            int finished = 0;
            try {
                finished = finishCommittedTransactions(dbPath);
            } catch (RuntimeException e) {
                log.warn("{}: could not apply the transactions H2 had committed but not applied ({}); H2 opens it as it is"
                        + " (their rows stay locked)", file, e.toString());
            }
            log.info("{} was not closed cleanly: recovered by a full scan (version {}, {} ms){}", file, version,
                    (System.nanoTime() - t0) / 1_000_000,
                    finished == 0 ? "" : "; applied " + finished + " transaction(s) H2 had committed but not applied");
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

    /** Applies, in the H2 file {@code <dbPath>.mv.db}, the transactions H2 committed but had not applied; returns how many. */
    static int finishCommittedTransactions(Path dbPath) {
        Path file = dbPath.resolveSibling(dbPath.getFileName() + ".mv.db");
        MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        int finished;
        try {
            finished = finishCommittedTransactions(store);
        } catch (RuntimeException e) {
            store.closeImmediately(); // nothing of a half-done repair reaches the file
            throw e;
        }
        store.close();
        return finished;
    }

    /**
     * Applies the transactions H2 recorded as committed but had not applied to their rows (see the
     * class comment), as H2's own commit would: every row value such a transaction wrote becomes the
     * committed value (a removed row is removed), then its undo log is dropped. Returns how many
     * transactions it applied; 0 (and nothing written) when there are none.
     */
    private static int finishCommittedTransactions(MVStore store) {
        TransactionStore transactions = new TransactionStore(store);
        transactions.init();
        List<Transaction> committed = new ArrayList<>();
        for (Transaction t : transactions.getOpenTransactions()) {
            if (t.getStatus() == Transaction.STATUS_COMMITTED) {
                committed.add(t);
            }
        }
        if (committed.isEmpty()) {
            return 0;
        }
        for (Transaction t : committed) {
            // the rows the transaction wrote, from its undo log; their maps were opened with H2's types by init()
            List<TransactionStore.Change> changes = new ArrayList<>();
            for (Iterator<TransactionStore.Change> it = t.getChanges(0); it.hasNext(); ) {
                changes.add(it.next());
            }
            for (TransactionStore.Change change : changes) {
                MVMap<Object, Object> map = store.openMap(change.mapName);
                if (map.get(change.key) instanceof VersionedValue<?> v && v.getOperationId() != 0
                        && transactionId(v.getOperationId()) == t.getId()) {
                    Object value = v.getCurrentValue();
                    if (value == null) {
                        map.remove(change.key);
                    } else {
                        map.put(change.key, value);
                    }
                }
            }
            for (String name : List.copyOf(store.getMapNames())) {
                if (name.equals(TransactionStore.UNDO_LOG_NAME_PREFIX + "." + t.getId())
                        || name.equals(TransactionStore.UNDO_LOG_NAME_PREFIX + "-" + t.getId())) {
                    store.removeMap(name);
                }
            }
        }
        store.commit();
        return committed.size();
    }

    /** H2's operation ids carry the transaction id above a 40-bit log id. */
    private static int transactionId(long operationId) {
        return (int) (operationId >>> 40);
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
