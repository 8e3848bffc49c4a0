package dev.sinew.shop.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/** A non-5xx answer of a peer: status and body (JSON, or null when empty or not JSON). */
public record PeerResponse(int status, String body) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    public JsonNode json() {
        if (body == null || body.isEmpty()) {
            return Json.object();
        }
        try {
            return Json.parse(body);
        } catch (IllegalArgumentException e) {
            return Json.object().put("error", "bad_peer_response").put("message", body);
        }
    }
}
