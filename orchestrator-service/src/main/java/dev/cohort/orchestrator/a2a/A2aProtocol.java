package dev.cohort.orchestrator.a2a;

import dev.cohort.contracts.Roles;
import java.util.Map;

/**
 * The parts of the A2A specification, version 1.0, that Cohort's JSON-RPC binding answers: the protocol version it
 * speaks, the methods and the role each needs, the task states.
 */
public final class A2aProtocol {

    /** The {@code Major.Minor} version of the specification implemented. */
    public static final String VERSION = "1.0";
    /** The version a request without an {@code A2A-Version} header or parameter asks for (section 3.6.2). */
    public static final String ABSENT_VERSION = "0.3";
    public static final String VERSION_HEADER = "A2A-Version";
    public static final String BINDING = "JSONRPC";

    public static final String SEND_MESSAGE = "SendMessage";
    public static final String SEND_STREAMING_MESSAGE = "SendStreamingMessage";
    public static final String GET_TASK = "GetTask";
    public static final String LIST_TASKS = "ListTasks";
    public static final String CANCEL_TASK = "CancelTask";
    public static final String SUBSCRIBE_TO_TASK = "SubscribeToTask";
    public static final String CREATE_PUSH_CONFIG = "CreateTaskPushNotificationConfig";
    public static final String GET_PUSH_CONFIG = "GetTaskPushNotificationConfig";
    public static final String LIST_PUSH_CONFIGS = "ListTaskPushNotificationConfigs";
    public static final String DELETE_PUSH_CONFIG = "DeleteTaskPushNotificationConfig";
    public static final String GET_EXTENDED_AGENT_CARD = "GetExtendedAgentCard";

    /** Every method of the binding, with the role a caller needs for it: the REST API's roles. */
    static final Map<String, String> METHOD_ROLES = Map.ofEntries(
            Map.entry(SEND_MESSAGE, Roles.OPERATOR),
            Map.entry(SEND_STREAMING_MESSAGE, Roles.OPERATOR),
            Map.entry(CANCEL_TASK, Roles.OPERATOR),
            Map.entry(GET_TASK, Roles.VIEWER),
            Map.entry(LIST_TASKS, Roles.VIEWER),
            Map.entry(SUBSCRIBE_TO_TASK, Roles.VIEWER),
            Map.entry(CREATE_PUSH_CONFIG, Roles.VIEWER),
            Map.entry(GET_PUSH_CONFIG, Roles.VIEWER),
            Map.entry(LIST_PUSH_CONFIGS, Roles.VIEWER),
            Map.entry(DELETE_PUSH_CONFIG, Roles.VIEWER),
            Map.entry(GET_EXTENDED_AGENT_CARD, Roles.VIEWER));

    public static final String SUBMITTED = "TASK_STATE_SUBMITTED";
    public static final String WORKING = "TASK_STATE_WORKING";
    public static final String COMPLETED = "TASK_STATE_COMPLETED";
    public static final String FAILED = "TASK_STATE_FAILED";
    public static final String CANCELED = "TASK_STATE_CANCELED";
    public static final String INPUT_REQUIRED = "TASK_STATE_INPUT_REQUIRED";
    public static final String REJECTED = "TASK_STATE_REJECTED";
    public static final String AUTH_REQUIRED = "TASK_STATE_AUTH_REQUIRED";

    private A2aProtocol() {
    }

    public static boolean terminal(String state) {
        return COMPLETED.equals(state) || FAILED.equals(state) || CANCELED.equals(state) || REJECTED.equals(state);
    }

    /** A state in which a blocking SendMessage returns: terminal, or waiting for the client. */
    public static boolean interrupted(String state) {
        return INPUT_REQUIRED.equals(state) || AUTH_REQUIRED.equals(state);
    }

    /**
     * Refuses a request for another protocol version than {@link #VERSION}. The patch number does not count;
     * no version at all means 0.3.
     */
    public static void checkVersion(String requested) {
        String version = requested == null || requested.isBlank() ? ABSENT_VERSION : requested.strip();
        String[] parts = version.split("\\.");
        if (parts.length >= 2 && parts[0].equals("1") && parts[1].equals("0")) {
            return;
        }
        throw A2aError.versionNotSupported(version.length() > 20 ? version.substring(0, 20) + "…" : version);
    }
}
