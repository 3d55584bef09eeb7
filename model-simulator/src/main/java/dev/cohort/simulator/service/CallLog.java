package dev.cohort.simulator.service;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every call since the last reset (the newest {@value #CAPACITY}), counters by model, role, kind and outcome,
 * and the highest number of calls generating at the same time.
 */
public final class CallLog {

    static final int CAPACITY = 10_000;

    private final Deque<CallRecord> records = new ArrayDeque<>();
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Long> byModel = new TreeMap<>();
    private final Map<String, Long> byRole = new TreeMap<>();
    private final Map<String, Long> byKind = new TreeMap<>();
    private final Map<String, Long> byOutcome = new TreeMap<>();
    private final Map<String, Integer> activeByModel = new TreeMap<>();
    private final Map<String, Integer> maxByModel = new TreeMap<>();
    private long total;
    private long epoch;
    private int active;
    private int maxConcurrency;

    /** Counters as {@code GET /sim/counters} returns them. */
    public record Counters(long total, Map<String, Long> byModel, Map<String, Long> byRole, Map<String, Long> byKind,
                           Map<String, Long> byOutcome, int active, int maxConcurrency,
                           Map<String, Integer> maxConcurrencyByModel) {
    }

    public synchronized CallRecord start(String protocol, String model, String role, String kind, boolean stream,
                                         long promptTokens) {
        return start(protocol, model, role, kind, stream, promptTokens, null);
    }

    /** A new call; {@code task} is the prompt's {@code Task:} line, or null. */
    public synchronized CallRecord start(String protocol, String model, String role, String kind, boolean stream,
                                         long promptTokens, String task) {
        CallRecord call = new CallRecord(ids.incrementAndGet(), epoch, protocol, model, role, kind, stream, promptTokens,
                task);
        records.addLast(call);
        if (records.size() > CAPACITY) {
            records.removeFirst();
        }
        total++;
        byModel.merge(model, 1L, Long::sum);
        byRole.merge(role, 1L, Long::sum);
        byKind.merge(kind, 1L, Long::sum);
        return call;
    }

    /** The call got a generation slot: it now counts towards concurrency. */
    public synchronized void admitted(CallRecord call) {
        call.admitted();
        if (call.epoch() != epoch) {
            return;
        }
        active++;
        maxConcurrency = Math.max(maxConcurrency, active);
        int modelActive = activeByModel.merge(call.getModel(), 1, Integer::sum);
        maxByModel.merge(call.getModel(), modelActive, Math::max);
    }

    public synchronized void fault(CallRecord call, FaultRule rule) {
        call.fault(rule.id() + ":" + rule.action().id());
    }

    public synchronized void style(CallRecord call, AnswerStyle style) {
        call.style(style);
    }

    /** The tools the call's answer called, by name, in order. */
    public synchronized void toolCalls(CallRecord call, List<String> names) {
        call.toolCalls(names);
    }

    /** Ends a call once; returns false when it had already ended. */
    public synchronized boolean end(CallRecord call, String outcome, int status) {
        if (!call.end(outcome, status)) {
            return false;
        }
        byOutcome.merge(outcome, 1L, Long::sum);
        if (call.getAdmittedAt() != null && call.epoch() == epoch) {
            active--;
            activeByModel.merge(call.getModel(), -1, Integer::sum);
        }
        return true;
    }

    public synchronized List<CallRecord> calls() {
        return List.copyOf(records);
    }

    public synchronized Counters counters() {
        return new Counters(total, new TreeMap<>(byModel), new TreeMap<>(byRole), new TreeMap<>(byKind),
                new TreeMap<>(byOutcome), active, maxConcurrency, new TreeMap<>(maxByModel));
    }

    /** Forgets every call and counter. Calls still running are no longer counted when they end. */
    public synchronized void reset() {
        epoch++;
        records.clear();
        total = 0;
        byModel.clear();
        byRole.clear();
        byKind.clear();
        byOutcome.clear();
        activeByModel.clear();
        maxByModel.clear();
        active = 0;
        maxConcurrency = 0;
    }
}
