package dev.cohort.context.api;

/**
 * The longest value, in characters, of each text field of the REST API; a longer one is refused with 400 naming the
 * field and its limit. Each matches the column that stores it. Content is limited in bytes by
 * {@code cohort.context.max-content-bytes} (413), the whole request body by {@code quarkus.http.limits.max-body-size}.
 */
public final class Limits {

    /** Path segment {@code taskId}: letters, digits, '.', '_', ':' and '-'. */
    public static final int TASK_ID = 100;
    /** {@code key}, also as a path segment and as the {@code prefix} and {@code key} query parameters. */
    public static final int KEY = 512;
    /** Globs over keys ({@code glob} and {@code key} query parameters). */
    public static final int KEY_PATTERN = 1024;
    /** Keys one request reads at once ({@code POST /api/tasks/{taskId}/latest}): a subtask's reads and writes. */
    public static final int KEYS_PER_READ = 100;
    public static final int MEDIA_TYPE = 255;
    public static final int ROLE = 100;
    /** {@code agentId}, and the person in {@code createdBy} and {@code requestedBy}. */
    public static final int AGENT_ID = 200;
    public static final int MODEL = 200;
    public static final int SUBTASK_ID = 100;
    public static final int LEASE_TOKEN = 200;
    public static final int CHECKPOINT_NAME = 100;
    public static final int CHECKPOINT_DESCRIPTION = 1000;

    private Limits() {
    }
}
