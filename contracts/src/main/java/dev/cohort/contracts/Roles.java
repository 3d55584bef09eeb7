package dev.cohort.contracts;

/**
 * The roles a caller's token grants, in its {@code groups} claim. People are {@link #VIEWER}s, {@link #OPERATOR}s or
 * {@link #ADMIN}s, each including the rights of the one before; services are {@link #WORKER}s or the
 * {@link #ORCHESTRATOR}, each with a viewer's reads. Every service maps them the same way in its
 * {@code quarkus.http.auth.roles-mapping}.
 */
public final class Roles {

    /** Reads and streams. */
    public static final String VIEWER = "viewer";
    /** Submits tasks and gives every task command. */
    public static final String OPERATOR = "operator";
    /** Checkpoints, rollbacks, deletes and dead-letter replays. */
    public static final String ADMIN = "admin";
    /** An agent worker: writes artifacts for the attempts dispatched to it. */
    public static final String WORKER = "worker";
    /** The orchestrator, reading the context store on a caller's behalf. */
    public static final String ORCHESTRATOR = "orchestrator";

    /** The audience and issuer Cohort's own tokens carry; deployments with an IdP set their own. */
    public static final String AUDIENCE = "cohort";

    private Roles() {
    }
}
