package dev.cohort.orchestrator.a2a;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON-RPC error of the A2A binding: the code of the A2A specification (section 5.4) or of JSON-RPC 2.0, a message
 * that says what to fix, and error details ({@code google.rpc.ErrorInfo}, or {@code google.rpc.BadRequest} naming the
 * field of invalid parameters).
 */
public class A2aError extends RuntimeException {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    public static final int TASK_NOT_FOUND = -32001;
    public static final int TASK_NOT_CANCELABLE = -32002;
    public static final int PUSH_NOTIFICATION_NOT_SUPPORTED = -32003;
    public static final int UNSUPPORTED_OPERATION = -32004;
    public static final int CONTENT_TYPE_NOT_SUPPORTED = -32005;
    public static final int EXTENDED_AGENT_CARD_NOT_CONFIGURED = -32007;
    public static final int VERSION_NOT_SUPPORTED = -32009;

    static final String DOMAIN = "a2a-protocol.org";

    private final int code;
    private final List<Map<String, Object>> details;

    public A2aError(int code, String message, List<Map<String, Object>> details) {
        super(message);
        this.code = code;
        this.details = details;
    }

    public int code() {
        return code;
    }

    /** The {@code data} of the JSON-RPC error: objects with an {@code @type}. */
    public List<Map<String, Object>> details() {
        return details;
    }

    private static A2aError withInfo(int code, String reason, String message, Map<String, String> metadata) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", reason);
        info.put("domain", DOMAIN);
        if (metadata != null && !metadata.isEmpty()) {
            info.put("metadata", metadata);
        }
        return new A2aError(code, message, List.of(info));
    }

    public static A2aError parseError(String why) {
        return new A2aError(PARSE_ERROR, "Invalid JSON payload: " + why, null);
    }

    public static A2aError invalidRequest(String why) {
        return new A2aError(INVALID_REQUEST, "Request payload validation error: " + why, null);
    }

    public static A2aError methodNotFound(String method) {
        return new A2aError(METHOD_NOT_FOUND, "Method not found: '" + method + "' is not an A2A 1.0 method; see "
                + "docs/a2a.md for the ones Cohort answers", null);
    }

    /** Invalid parameters: {@code field} (a path such as {@code message.parts}) and what is wrong with it. */
    public static A2aError invalidParams(String field, String description) {
        Map<String, Object> violation = new LinkedHashMap<>();
        violation.put("field", field);
        violation.put("description", description);
        Map<String, Object> badRequest = new LinkedHashMap<>();
        badRequest.put("@type", "type.googleapis.com/google.rpc.BadRequest");
        badRequest.put("fieldViolations", List.of(violation));
        return new A2aError(INVALID_PARAMS, "Invalid parameters: '" + field + "' " + description, List.of(badRequest));
    }

    public static A2aError internal() {
        return new A2aError(INTERNAL_ERROR, "Internal error; the orchestrator log has the details", null);
    }

    public static A2aError taskNotFound(String taskId) {
        return withInfo(TASK_NOT_FOUND, "TASK_NOT_FOUND", "Task not found: no task with id " + taskId,
                Map.of("taskId", String.valueOf(taskId)));
    }

    public static A2aError taskNotCancelable(String taskId, String state) {
        return withInfo(TASK_NOT_CANCELABLE, "TASK_NOT_CANCELABLE", "Task cannot be canceled: task " + taskId
                + " has already ended (" + state + ")", Map.of("taskId", taskId, "state", state));
    }

    public static A2aError pushNotificationNotSupported() {
        return withInfo(PUSH_NOTIFICATION_NOT_SUPPORTED, "PUSH_NOTIFICATION_NOT_SUPPORTED", "Push notifications are "
                + "not supported: follow a task with SendStreamingMessage, SubscribeToTask or GetTask", null);
    }

    public static A2aError unsupportedOperation(String why) {
        return withInfo(UNSUPPORTED_OPERATION, "UNSUPPORTED_OPERATION", "Unsupported operation: " + why, null);
    }

    public static A2aError contentTypeNotSupported(String why) {
        return withInfo(CONTENT_TYPE_NOT_SUPPORTED, "CONTENT_TYPE_NOT_SUPPORTED", "Content type not supported: " + why,
                null);
    }

    public static A2aError versionNotSupported(String requested) {
        return withInfo(VERSION_NOT_SUPPORTED, "VERSION_NOT_SUPPORTED", "A2A protocol version " + requested + " is "
                + "not supported; send the header A2A-Version: " + A2aProtocol.VERSION
                + (requested.equals(A2aProtocol.ABSENT_VERSION) ? " (a request without it is taken as 0.3)" : ""),
                Map.of("supportedVersions", A2aProtocol.VERSION));
    }
}
