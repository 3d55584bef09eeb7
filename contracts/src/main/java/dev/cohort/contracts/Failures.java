package dev.cohort.contracts;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Set;

/**
 * Tells a failure that goes away by itself (a database or broker out of reach, a timeout, a lost lock) from one that
 * fails again on every try (a record whose values cannot be applied). Consumers retry the first until it succeeds and
 * dead-letter the second, so that neither stops a stream.
 */
public final class Failures {

    /** What a failure says about trying again. */
    public enum Kind {
        /** A dependency was unavailable or too slow: the same work succeeds once it is back. */
        TRANSIENT,
        /** The work itself is at fault (unreadable, malformed ids, values that do not fit): it fails on every try. */
        PERMANENT,
        /** Neither is recognised: worth a few more tries, not an endless wait. */
        UNKNOWN
    }

    /** SQL state classes of errors in the statement or its data, which no retry changes. */
    private static final Set<String> PERMANENT_SQL_CLASSES = Set.of("22", "23", "42", "44");
    /** Connection problems, resources exhausted, operator intervention, serialization failures and deadlocks. */
    private static final Set<String> TRANSIENT_SQL_CLASSES = Set.of("08", "53", "57", "58", "40");

    private Failures() {
    }

    public static Kind classify(Throwable failure) {
        Kind found = Kind.UNKNOWN;
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause() == t ? null : t.getCause(), depth++) {
            Kind kind = classifyOne(t);
            if (kind == Kind.PERMANENT) {
                return Kind.PERMANENT;
            }
            if (kind == Kind.TRANSIENT) {
                found = Kind.TRANSIENT;
            }
        }
        return found;
    }

    public static boolean isTransient(Throwable failure) {
        return classify(failure) == Kind.TRANSIENT;
    }

    public static boolean isPermanent(Throwable failure) {
        return classify(failure) == Kind.PERMANENT;
    }

    /** A one-line description of a failure and its innermost cause, for logs and dead-letter reasons. */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        int depth = 0;
        while (root.getCause() != null && root.getCause() != root && depth++ < 16) {
            root = root.getCause();
        }
        String outer = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        if (root == failure) {
            return outer;
        }
        return outer + " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    private static Kind classifyOne(Throwable t) {
        if (t instanceof InvalidEventException || t instanceof IllegalArgumentException
                || t instanceof NullPointerException || t instanceof ClassCastException
                || t instanceof IndexOutOfBoundsException || t instanceof ArithmeticException
                || t instanceof UnsupportedOperationException
                || t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            return Kind.PERMANENT;
        }
        if (isKindOf(t, "org.apache.kafka.common.errors.RecordTooLargeException")
                || isKindOf(t, "org.apache.kafka.common.errors.RecordBatchTooLargeException")
                || isKindOf(t, "org.apache.kafka.common.errors.InvalidTopicException")
                || isKindOf(t, "org.apache.kafka.common.errors.SerializationException")
                || isKindOf(t, "org.apache.kafka.common.InvalidRecordException")) {
            return Kind.PERMANENT;
        }
        String sqlState = sqlState(t);
        if (sqlState != null && sqlState.length() >= 2) {
            String sqlClass = sqlState.substring(0, 2);
            if (PERMANENT_SQL_CLASSES.contains(sqlClass)) {
                return Kind.PERMANENT;
            }
            if (TRANSIENT_SQL_CLASSES.contains(sqlClass) || sqlState.equals("55P03")) {
                return Kind.TRANSIENT;
            }
        }
        if (t instanceof IOException || t instanceof java.util.concurrent.TimeoutException
                || t instanceof java.util.concurrent.RejectedExecutionException) {
            return Kind.TRANSIENT;
        }
        if (isKindOf(t, "org.apache.kafka.common.errors.RetriableException")
                || isKindOf(t, "io.vertx.sqlclient.ClosedConnectionException")
                || isKindOf(t, "io.netty.channel.ConnectTimeoutException")
                || isKindOf(t, "io.smallrye.mutiny.TimeoutException")
                || isKindOf(t, "jakarta.persistence.PessimisticLockException")
                || isKindOf(t, "jakarta.persistence.LockTimeoutException")
                || isKindOf(t, "jakarta.ws.rs.ProcessingException")
                || isKindOf(t, "jakarta.ws.rs.ServiceUnavailableException")) {
            return Kind.TRANSIENT;
        }
        String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("connection refused") || message.contains("unable to open a connection")
                || message.contains("connection is closed") || message.contains("connection reset")
                || message.contains("connection closed") || message.contains("pool closed")
                || message.contains("timed out") || message.contains("timeout")) {
            return Kind.TRANSIENT;
        }
        return Kind.UNKNOWN;
    }

    private static boolean isKindOf(Throwable t, String className) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    /** The SQL state of a JDBC or reactive-client database error, if the failure is one. */
    private static String sqlState(Throwable t) {
        if (t instanceof java.sql.SQLException e) {
            return e.getSQLState();
        }
        for (String name : new String[] {"getSqlState", "getSQLState"}) {
            try {
                Method m = t.getClass().getMethod(name);
                Object value = m.invoke(t);
                return value == null ? null : value.toString();
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // not a database error
            }
        }
        return null;
    }
}
