package dev.sinew.console.scrape;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What one service answered in one round: its samples and its {@code /diagnose} JSON, or why it
 * did not answer ({@code error} is non-null then, and the lists are empty).
 */
public record Scrape(Target target, long atMillis, List<Sample> samples, JsonNode diagnose, String error) {

    public boolean ok() {
        return error == null;
    }
}
