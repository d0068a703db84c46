package io.spillway.inventory.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Every admin action, in the {@code audit_log} table and in the log (logger {@code spillway.audit}):
 * who, when, what, and the state before and after as JSON. Called inside the action's transaction
 * where the action is a database change, so an action and its entry commit together.
 *
 * <p>Limits: who is the signed-in principal's name: {@code admin-token} for the local token, the
 * JWT's subject in production. The log line is written before the commit and so may name an action
 * that then rolled back; the table is the record.
 */
@Component
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger("spillway.audit");

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    AuditLog(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The current request's admin, or {@code unknown} outside one. */
    public static String actor() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication == null ? "unknown" : authentication.getName();
    }

    public void record(String action, String target, Object before, Object after) {
        String actor = actor();
        String beforeJson = toJson(before);
        String afterJson = toJson(after);
        jdbc.update("INSERT INTO audit_log (actor, action, target, before, after) VALUES (?, ?, ?, ?::jsonb, ?::jsonb)",
                actor, action, target, beforeJson, afterJson);
        log.info("admin action: actor={} action={} target={} before={} after={}", actor, action, target, beforeJson, afterJson);
    }

    private String toJson(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an audit entry must be JSON", e);
        }
    }
}
