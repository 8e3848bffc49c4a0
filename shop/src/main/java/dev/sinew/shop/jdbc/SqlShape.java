package dev.sinew.shop.jdbc;

import java.util.Locale;

/**
 * What a SQL statement does and to which table, for the tags of {@code shop.jdbc.statements}:
 * {@code kind} = select / insert / update / delete / other, {@code table} = the first table named
 * after FROM (select, delete), INTO (insert, merge) or UPDATE, lower case without schema or quotes;
 * {@code other} when it cannot be told (DDL, a subquery in FROM, no table).
 *
 * @param kind  select, insert, update, delete or other
 * @param table the table, or {@code other}
 */
record SqlShape(String kind, String table) {

    static final String OTHER_TABLE = "other";
    static final SqlShape OTHER = new SqlShape("other", OTHER_TABLE);

    String key() {
        return kind + ' ' + table;
    }

    /** Parses the first keyword and the table of {@code sql}. */
    static SqlShape of(String sql) {
        Scanner s = new Scanner(sql);
        String first = s.word();
        if (first == null) {
            return OTHER;
        }
        switch (first) {
            case "select":
            case "with":
                return new SqlShape("select", s.skipTo("from") ? s.table() : OTHER_TABLE);
            case "insert":
                return new SqlShape("insert", s.skipTo("into") ? s.table() : OTHER_TABLE);
            case "update":
                return new SqlShape("update", s.table());
            case "delete":
                return new SqlShape("delete", s.skipTo("from") ? s.table() : OTHER_TABLE);
            case "merge":
                return new SqlShape("other", s.skipTo("into") ? s.table() : OTHER_TABLE);
            default:
                return OTHER;
        }
    }

    /** A tiny forward-only tokenizer: words, skipping whitespace, comments and punctuation. */
    private static final class Scanner {
        private final String sql;
        private int i;

        Scanner(String sql) {
            this.sql = sql;
        }

        /** The next word (lower case), or null at the end; a "(" right before it is reported as null. */
        String word() {
            skipBlanks();
            if (i >= sql.length()) {
                return null;
            }
            int start = i;
            char c = sql.charAt(i);
            if (c == '"' || c == '`') {
                int end = sql.indexOf(c, i + 1);
                if (end < 0) {
                    i = sql.length();
                    return null;
                }
                i = end + 1;
                return sql.substring(start + 1, end).toLowerCase(Locale.ROOT);
            }
            while (i < sql.length() && isWordChar(sql.charAt(i))) {
                i++;
            }
            if (i == start) {
                i++; // punctuation
                return "";
            }
            return sql.substring(start, i).toLowerCase(Locale.ROOT);
        }

        /** Moves past the next top-level occurrence of {@code keyword}; false when there is none. */
        boolean skipTo(String keyword) {
            int depth = 0;
            while (true) {
                skipBlanks();
                if (i >= sql.length()) {
                    return false;
                }
                char c = sql.charAt(i);
                if (c == '(') {
                    depth++;
                    i++;
                } else if (c == ')') {
                    depth--;
                    i++;
                } else if (c == '\'') {
                    int end = sql.indexOf('\'', i + 1);
                    i = end < 0 ? sql.length() : end + 1;
                } else {
                    String w = word();
                    if (depth <= 0 && keyword.equals(w)) {
                        return true;
                    }
                }
            }
        }

        /** The table name at the current position (schema dropped), or {@code other}. */
        String table() {
            String w = word();
            if (w == null || w.isEmpty()) {
                return OTHER_TABLE;
            }
            while (i < sql.length() && sql.charAt(i) == '.') { // schema.table: keep the last part
                i++;
                String next = word();
                if (next == null || next.isEmpty()) {
                    return OTHER_TABLE;
                }
                w = next;
            }
            return valid(w) ? w : OTHER_TABLE;
        }

        private void skipBlanks() {
            while (i < sql.length()) {
                char c = sql.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '-' && sql.startsWith("--", i)) {
                    int end = sql.indexOf('\n', i);
                    i = end < 0 ? sql.length() : end + 1;
                } else if (c == '/' && sql.startsWith("/*", i)) {
                    int end = sql.indexOf("*/", i + 2);
                    i = end < 0 ? sql.length() : end + 2;
                } else {
                    return;
                }
            }
        }

        private static boolean isWordChar(char c) {
            return c == '_' || c == '$' || Character.isLetterOrDigit(c);
        }

        private static boolean valid(String name) {
            if (name.length() > 63 || !Character.isLetter(name.charAt(0))) {
                return false;
            }
            for (int k = 0; k < name.length(); k++) {
                char c = name.charAt(k);
                if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                    return false;
                }
            }
            return true;
        }
    }
}
