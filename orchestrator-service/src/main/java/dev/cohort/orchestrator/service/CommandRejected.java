package dev.cohort.orchestrator.service;

/** A command on a task that cannot be carried out, with the HTTP status that says why and a message that says what to do. */
public class CommandRejected extends RuntimeException {

    private final int status;

    public CommandRejected(int status, String message) {
        super(message);
        this.status = status;
    }

    public static CommandRejected notFound(Object taskId) {
        return new CommandRejected(404, "no task with id " + taskId);
    }

    public static CommandRejected conflict(String message) {
        return new CommandRejected(409, message);
    }

    public static CommandRejected invalid(String message) {
        return new CommandRejected(400, message);
    }

    public int status() {
        return status;
    }
}
