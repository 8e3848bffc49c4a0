package dev.sinew.shop.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinew.pipeline.ContractViolationException;

/**
 * What a caller needs in a peer's 2xx answer, checked inside the pipeline call
 * ({@link PeerClient#send(String, String, String, java.util.Map, ResponseContract)}): a body that is
 * not a JSON object, or lacks a required field, throws {@link ContractViolationException}, so the
 * call counts as {@code outcome=contract_error} and as a failure for the breaker. 4xx answers are
 * not checked (they carry the peer's error object).
 */
@FunctionalInterface
public interface ResponseContract {

    /** Any JSON object. */
    ResponseContract JSON_OBJECT = body -> {
    };

    /** Throws {@link ContractViolationException} when {@code body} (a JSON object) lacks what is needed. */
    void check(JsonNode body);

    /** Non-blank text fields {@code fields}. */
    static ResponseContract requires(String... fields) {
        return body -> {
            for (String f : fields) {
                JsonNode v = body.get(f);
                if (v == null || !v.isTextual() || v.asText().isBlank()) {
                    throw new ContractViolationException("expected a non-empty text field '" + f + "'");
                }
            }
        };
    }

    /** An array {@code field} of objects that each have a non-blank text field {@code idField}. */
    static ResponseContract arrayOf(String field, String idField) {
        ResponseContract item = requires(idField);
        return body -> {
            JsonNode a = body.get(field);
            if (a == null || !a.isArray()) {
                throw new ContractViolationException("expected an array field '" + field + "'");
            }
            for (JsonNode e : a) {
                if (!e.isObject()) {
                    throw new ContractViolationException("expected objects in '" + field + "'");
                }
                item.check(e);
            }
        };
    }

    /** Parses a 2xx body and checks it; other statuses pass unchecked. */
    static PeerResponse verify(PeerResponse r, ResponseContract contract) {
        if (!r.ok()) {
            return r;
        }
        JsonNode body;
        try {
            body = r.body() == null ? null : Json.MAPPER.readTree(r.body());
        } catch (Exception e) {
            throw new ContractViolationException("answer is not JSON", e);
        }
        if (body == null || !body.isObject()) {
            throw new ContractViolationException("answer is not a JSON object");
        }
        contract.check(body);
        return r;
    }
}
