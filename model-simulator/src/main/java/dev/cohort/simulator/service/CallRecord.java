package dev.cohort.simulator.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/** One chat call as the simulator saw it; filled in as the call progresses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "protocol", "model", "role", "kind", "task", "stream", "startedAt", "admittedAt", "firstTokenAt",
        "endedAt", "outcome", "status", "fault", "style", "toolCalls", "promptTokens",
        "completionTokens"})
public final class CallRecord {

    private final long id;
    private final long epoch;
    private final String protocol;
    private final String model;
    private final String role;
    private final String kind;
    private final String task;
    private final boolean stream;
    private final Instant startedAt;
    private final long promptTokens;
    private Instant admittedAt;
    private Instant firstTokenAt;
    private Instant endedAt;
    private String outcome = "running";
    private Integer status;
    private String fault;
    private String style;
    private List<String> toolCalls;
    private long completionTokens;

    CallRecord(long id, long epoch, String protocol, String model, String role, String kind, boolean stream, long promptTokens,
               String task) {
        this.task = task;
        this.id = id;
        this.epoch = epoch;
        this.protocol = protocol;
        this.model = model;
        this.role = role;
        this.kind = kind;
        this.stream = stream;
        this.promptTokens = promptTokens;
        this.startedAt = Instant.now();
    }

    long epoch() {
        return epoch;
    }

    public long getId() {
        return id;
    }

    public String getProtocol() {
        return protocol;
    }

    public String getModel() {
        return model;
    }

    public String getRole() {
        return role;
    }

    public String getKind() {
        return kind;
    }

    /** The prompt's {@code Task:} line (the task's title), or null: which task the call is for. */
    public String getTask() {
        return task;
    }

    public boolean isStream() {
        return stream;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public synchronized Instant getAdmittedAt() {
        return admittedAt;
    }

    public synchronized Instant getFirstTokenAt() {
        return firstTokenAt;
    }

    public synchronized Instant getEndedAt() {
        return endedAt;
    }

    /** {@code running}, {@code ok}, {@code length}, {@code busy}, {@code client-closed}, or {@code fault:<action>}. */
    public synchronized String getOutcome() {
        return outcome;
    }

    public synchronized Integer getStatus() {
        return status;
    }

    public synchronized String getFault() {
        return fault;
    }

    /** The answer style of the call, when it was not {@code clean}. */
    public synchronized String getStyle() {
        return style;
    }

    /** The tools the answer called, by name, in order; absent when it called none. */
    public synchronized List<String> getToolCalls() {
        return toolCalls;
    }

    public long getPromptTokens() {
        return promptTokens;
    }

    public synchronized long getCompletionTokens() {
        return completionTokens;
    }

    synchronized void admitted() {
        admittedAt = Instant.now();
    }

    synchronized void fault(String faultId) {
        fault = faultId;
    }

    synchronized void style(AnswerStyle answerStyle) {
        style = answerStyle == AnswerStyle.CLEAN ? null : answerStyle.id();
    }

    synchronized void toolCalls(List<String> names) {
        toolCalls = names == null || names.isEmpty() ? null : List.copyOf(names);
    }

    public synchronized void tokens(long count) {
        if (firstTokenAt == null && count > 0) {
            firstTokenAt = Instant.now();
        }
        completionTokens = count;
    }

    /** Records the end once; later calls (a close after a normal end) change nothing. */
    synchronized boolean end(String endOutcome, int httpStatus) {
        if (endedAt != null) {
            return false;
        }
        endedAt = Instant.now();
        outcome = endOutcome;
        status = httpStatus;
        return true;
    }

    public synchronized boolean ended() {
        return endedAt != null;
    }
}
