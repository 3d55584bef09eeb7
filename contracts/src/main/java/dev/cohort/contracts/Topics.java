package dev.cohort.contracts;

import dev.cohort.contracts.model.Role;

/**
 * Kafka topic names. Every service and test takes them from here; deploy-checks holds the topics in the services'
 * configuration to them.
 */
public final class Topics {

    /** Task lifecycle and subtask transitions, keyed by taskId. */
    public static final String TASK_EVENTS = "cohort.task-events";
    /** Agent lifecycle: started, progress, heartbeat, completed, failed, escalated, throttled; keyed by taskId. */
    public static final String AGENT_EVENTS = "cohort.agent-events";
    /** Artifact versions, conflicts and resolutions from the context store, keyed by taskId. */
    public static final String ARTIFACT_EVENTS = "cohort.artifact-events";
    /** Agent-to-agent and person-to-agent messages, keyed by taskId. */
    public static final String AGENT_MESSAGES = "cohort.agent-messages";
    /** Records no consumer could read, with the reason in the record headers. */
    public static final String DEAD_LETTER = "cohort.dead-letter";
    /** Prefix of the per-role work topics, keyed by subtaskId. */
    public static final String DISPATCH_PREFIX = "cohort.dispatch.";

    /** Record header that carries the reason a record was dead-lettered. */
    public static final String DEAD_LETTER_REASON_HEADER = "dead-letter-reason";
    /** Record headers that say where a dead-lettered record was read: topic, partition and offset. */
    public static final String DEAD_LETTER_TOPIC_HEADER = "dead-letter-topic";
    public static final String DEAD_LETTER_PARTITION_HEADER = "dead-letter-partition";
    public static final String DEAD_LETTER_OFFSET_HEADER = "dead-letter-offset";

    private Topics() {
    }

    /** The work topic of one role, e.g. {@code cohort.dispatch.backend}. */
    public static String dispatch(Role role) {
        return DISPATCH_PREFIX + role.id();
    }

    /** Every event topic that the dashboard streams (the dispatch topics are work, not events). */
    public static final java.util.List<String> EVENT_TOPICS =
            java.util.List.of(TASK_EVENTS, AGENT_EVENTS, ARTIFACT_EVENTS, AGENT_MESSAGES);
}
