package dev.cohort.simulator.service;

import dev.cohort.contracts.model.Role;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state of one simulator: per-model settings (start-up values plus runtime changes), fault rules, the call
 * log and the generation slots of each model. Thread-safe; the HTTP routes are its only writers.
 */
public final class Simulator {

    private final SimulatorSettings settings;
    private final Map<String, ModelSettings> runtime = new ConcurrentHashMap<>();
    private final Map<String, ModelGate> gates = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> turns = new ConcurrentHashMap<>();
    private final FaultBook faults = new FaultBook();
    private final CallLog calls = new CallLog();

    public Simulator(SimulatorSettings settings) {
        this.settings = settings;
    }

    public FaultBook faults() {
        return faults;
    }

    public CallLog calls() {
        return calls;
    }

    public String apiKey() {
        return settings.apiKey();
    }

    /** The effective settings of a model: defaults, then its configured entry, then runtime changes. */
    public ModelSettings settings(String model) {
        ModelSettings configured = settings.defaults().overlay(settings.models().get(model));
        return configured.overlay(runtime.get(model));
    }

    /** Changes a model's settings at runtime; null fields keep their value. Returns the effective settings. */
    public ModelSettings update(String model, ModelSettings update) {
        update.validate(model);
        runtime.merge(model, update, ModelSettings::overlay);
        if (update.style() != null) {
            turns.remove(model);
        }
        return settings(model);
    }

    /** Drops a model's runtime changes, back to its configured settings. */
    public ModelSettings reset(String model) {
        runtime.remove(model);
        turns.remove(model);
        return settings(model);
    }

    /** The style of a model's next answer to a subtask of this kind; {@code sloppy} moves on one style per call. */
    public AnswerStyle style(String model, String kind) {
        return style(model, kind, false);
    }

    /**
     * The style of a model's next answer to a subtask of this kind, for a call that offers tools or not; a tool
     * loop does not move {@code sloppy} on.
     */
    public AnswerStyle style(String model, String kind, boolean tools) {
        AnswerStyle style = settings(model).answerStyle();
        boolean toolLoop = tools && !"plan".equals(kind);
        long turn = style == AnswerStyle.SLOPPY && !toolLoop
                ? turns.computeIfAbsent(model, m -> new AtomicLong()).getAndIncrement() : 0;
        return style.forCall(kind, turn, tools);
    }

    public ModelGate gate(String model) {
        return gates.computeIfAbsent(model, m -> new ModelGate());
    }

    /** Every model the simulator lists: one per role ({@code sim-<role>}) plus every configured or changed one. */
    public Map<String, ModelSettings> models() {
        TreeSet<String> names = new TreeSet<>();
        for (Role role : Role.values()) {
            names.add("sim-" + role.id());
        }
        names.addAll(settings.models().keySet());
        names.addAll(runtime.keySet());
        Map<String, ModelSettings> all = new TreeMap<>();
        names.forEach(name -> all.put(name, settings(name)));
        return all;
    }
}
