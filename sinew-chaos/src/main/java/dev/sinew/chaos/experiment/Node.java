package dev.sinew.chaos.experiment;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON value together with where it starts in its file, so that the experiment parser can name
 * the line of a wrong value (Jackson's tree model forgets locations). Objects keep key order.
 */
record Node(Object value, int line, int column) {

    /** Reads the value at the parser's current token and everything inside it. */
    static Node read(JsonParser p) throws IOException {
        JsonLocation at = p.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Node> fields = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonLocation keyAt = p.currentTokenLocation();
                    p.nextToken();
                    if (fields.put(key, read(p)) != null) {
                        throw new JsonProcessingException("duplicate key '" + key + "'", keyAt) { };
                    }
                }
                return new Node(fields, line, column);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p));
                }
                return new Node(items, line, column);
            }
            case VALUE_STRING -> {
                return new Node(p.getText(), line, column);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Node(p.getNumberValue(), line, column);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Node(t == JsonToken.VALUE_TRUE, line, column);
            }
            case VALUE_NULL -> {
                return new Node(null, line, column);
            }
            default -> throw new JsonProcessingException("unexpected " + t, at) { };
        }
    }

    /** A short name of the JSON type, for error messages. */
    String type() {
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof String) {
            return "text";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "true/false";
        }
        return "null";
    }
}
