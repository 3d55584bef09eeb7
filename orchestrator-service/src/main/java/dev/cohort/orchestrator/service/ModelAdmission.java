package dev.cohort.orchestrator.service;

import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import dev.cohort.orchestrator.config.AdmissionConfig;
import dev.cohort.orchestrator.domain.Subtask;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.FlushModeType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Decides whether a ready subtask may go to its model now (docs/models.md, "Limits"). The limits hold for every
 * worker replica together because they are counted where dispatch is decided, in the database every orchestrator
 * replica shares: subtasks dispatched or running on the model against its concurrency, dispatches of the last minute
 * against its rate, and a pause after its provider said it was overloaded. A subtask that may not go waits, ready,
 * and is looked at again by the next sweep; work waits in the queue instead of failing at the provider.
 *
 * <p>Which model a subtask will run on is the role's model as its workers last reported it on starting an attempt
 * (escalated attempts apart), or the model a person chose for it. Before any worker of a role has started, the
 * role's model is unknown and its subtasks go without a check.
 */
@ApplicationScoped
public class ModelAdmission {

    /** How long this replica trusts what it read of a role's model before reading it again. */
    private static final Duration ROLE_MODEL_TTL = Duration.ofSeconds(10);
    /** How the worker quotes a provider's Retry-After in a failure's reason (worker Failures.fromStatus). */
    private static final Pattern RETRY_AFTER = Pattern.compile("retry after (\\d+) s");
    // The queries made for a dispatch are HQL: Hibernate plans a native selection again at each execution (and keeps
    // every such plan in its query plan cache, where looking one up grows slower with each), an HQL query once.
    /**
     * Subtasks dispatched or running, to be narrowed: what holds a model's (or a role's) slots. The same text is HQL
     * and, with PostgreSQL's unquoted names, SQL (the native query of {@link #load()}).
     */
    private static final String IN_FLIGHT = "select count(*) from Subtask s where s.status in ('dispatched', 'running') ";
    /**
     * The beginning of every admission query, a model's or a role's: the transaction's lock on deciding for its key,
     * whose number follows. What tells these queries apart from others (in Hibernate's statistics, say).
     */
    static final String ADMISSION_QUERY_START = "select function('pg_try_advisory_xact_lock', ";

    /**
     * A dispatch to a model: the transaction's lock on deciding for {@code key} (the model, or its provider) or false
     * when another transaction has it, the model's pause and its reason, in flight on the model, dispatched to it in
     * the last minute, in flight on all of the provider's models.
     */
    static String modelQuery(String key) {
        return ADMISSION_QUERY_START + lockId(key) + "L), "
                + "(select m.pausedUntil from ModelPause m where m.provider = :provider and m.model = :model), "
                + "(select m.reason from ModelPause m where m.provider = :provider and m.model = :model), "
                + "(" + IN_FLIGHT + "and s.provider = :provider and s.model = :model), "
                + "(select count(*) from Attempt a where a.provider = :provider and a.model = :model "
                + "and a.dispatchedAt > :since), "
                + "(" + IN_FLIGHT + "and s.provider = :provider)";
    }

    /**
     * A dispatch of a role whose model is not known yet: the lock on deciding for {@code key}, and the role's attempts
     * in flight.
     */
    static String roleQuery(String key) {
        return ADMISSION_QUERY_START + lockId(key) + "L), (" + IN_FLIGHT
                + "and s.role = :role and s.provider is null)";
    }

    /**
     * The advisory lock of deciding for {@code key}, written into the query as a number. As a parameter it would be a
     * function's last argument, which Hibernate lets a list be bound to, and a query with such a parameter is planned
     * again at each execution. One query text per model (or provider, or role) is planned once instead.
     */
    static long lockId(String key) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)))
                    .getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static final String ROLE_MODEL_QUERY =
            "select r.provider, r.model from RoleModel r where r.role = :role and r.escalated = :escalated";

    private final AdmissionConfig config;
    private final DatabaseClock clock;
    private final Map<RoleKey, Known> roleModels = new ConcurrentHashMap<>();

    public ModelAdmission(AdmissionConfig config, DatabaseClock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** The outcome of asking to dispatch. */
    public sealed interface Decision {
        /** Go; {@code model} is where the attempt will run, null when not known yet. */
        record Admit(ModelRef model) implements Decision {
        }

        /** Not now: look again from {@code until}; {@code reason} says what it waits for, model first. */
        record Wait(Instant until, String reason) implements Decision {
        }
    }

    private record RoleKey(String role, boolean escalated) {
    }

    private record Known(ModelRef model, Instant readAt) {
    }

    /**
     * Dispatches decided one after another in one transaction with nothing else changed between them, such as the
     * subtasks one change made ready. The first decision's query sees the transaction's changes so far (Hibernate
     * writes them before it runs, as before any query). The later ones read the database as it was then and add
     * what the round itself has admitted since: the round's dispatches are written together when the transaction
     * ends, instead of a write before each decision. A model (or a role whose model is not known) is read once per
     * round: the transaction holds its lock from then on, so no other dispatch to it can be decided meanwhile, and
     * what the round admits to it is counted here. Use one round for one run of decisions only.
     */
    public static final class Round {

        /** What the round's queries read, per model ({@link ModelRef}) and per role whose model is not known. */
        private final Map<Object, Object[]> rows = new HashMap<>();
        private final Map<ModelRef, Integer> models = new HashMap<>();
        private final Map<String, Integer> providers = new HashMap<>();
        private final Map<String, Integer> unknownModelRoles = new HashMap<>();

        /** A model query's row with the round's own admissions to the model and its provider added. */
        Object[] withAdmitted(ModelRef model, Object[] row) {
            int toModel = models.getOrDefault(model, 0);
            int toProvider = providers.getOrDefault(model.provider().id(), 0);
            Object[] adjusted = row.clone();
            adjusted[3] = ((Number) row[3]).longValue() + toModel;
            adjusted[4] = ((Number) row[4]).longValue() + toModel;
            adjusted[5] = ((Number) row[5]).longValue() + toProvider;
            return adjusted;
        }

        void admitted(String role, ModelRef model) {
            if (model == null) {
                unknownModelRoles.merge(role, 1, Integer::sum);
            } else {
                models.merge(model, 1, Integer::sum);
                providers.merge(model.provider().id(), 1, Integer::sum);
            }
        }
    }

    /** Whether the subtask's next attempt ({@code escalate}: on the role's escalation model) may be dispatched now. */
    public Uni<Decision> admit(Subtask subtask, boolean escalate) {
        return admit(subtask, escalate, null);
    }

    /** {@link #admit(Subtask, boolean)} as one of a {@link Round}'s decisions; {@code round} null for none. */
    public Uni<Decision> admit(Subtask subtask, boolean escalate, Round round) {
        return decideFor(subtask, escalate, round).invoke(decision -> {
            if (round != null && decision instanceof Decision.Admit admitted) {
                round.admitted(subtask.role, admitted.model());
            }
        });
    }

    private Uni<Decision> decideFor(Subtask subtask, boolean escalate, Round round) {
        return expectedModel(subtask, escalate).flatMap(model -> {
            if (!config.enabled()) {
                return Uni.createFrom().item(new Decision.Admit(model));
            }
            if (model == null) {
                return firstOfRole(subtask, round);
            }
            int concurrency = config.concurrency(model);
            int perMinute = config.requestsPerMinute(model);
            int total = config.totalConcurrency(model);
            Instant now = clock.now();
            // With a limit on all of the provider's models, admissions to any of them are decided one at a time.
            String key = "cohort-admission:" + (total > 0 ? "provider:" + model.provider().id() : model.toString());
            return row(round, model, () -> modelQuery(key), query -> query
                            .setParameter("provider", model.provider().id())
                            .setParameter("model", model.model())
                            .setParameter("since", now.minus(Duration.ofMinutes(1))))
                    .map(r -> decide(model, round == null ? r : round.withAdmitted(model, r), now, concurrency,
                            perMinute, total));
        });
    }

    /**
     * The role's model is not known yet: a few attempts go (cohort.admission.unknown-model-concurrency), and the
     * first to start names the model for the rest.
     */
    private Uni<Decision> firstOfRole(Subtask subtask, Round round) {
        int limit = config.unknownModelConcurrency();
        if (limit <= 0) {
            return Uni.createFrom().item(new Decision.Admit(null));
        }
        Instant now = clock.now();
        return row(round, subtask.role, () -> roleQuery("cohort-admission:role:" + subtask.role), query -> query
                        .setParameter("role", subtask.role))
                .map(row -> {
                    if (!Boolean.TRUE.equals(row[0])) {
                        return new Decision.Wait(now.plus(config.recheck()), "the " + subtask.role + " role's model: "
                                + "another dispatch to it is being decided");
                    }
                    long inFlight = ((Number) row[1]).longValue()
                            + (round == null ? 0 : round.unknownModelRoles.getOrDefault(subtask.role, 0));
                    return inFlight >= limit
                            ? new Decision.Wait(now, "the " + subtask.role + " role's model, not known until one of "
                            + "its workers starts an attempt (" + inFlight + " of " + limit + " in flight)")
                            : new Decision.Admit(null);
                });
    }

    /**
     * One admission query's row. In a round, {@code key} (a model, or a role whose model is not known) is read once,
     * and only the round's first query writes the transaction's changes before it runs (Hibernate's default, as for
     * any query): the round counts its own admissions instead. The query's text (its lock's hash) is made only when
     * the round has not read the key yet.
     */
    private static Uni<Object[]> row(Round round, Object key, Supplier<String> hql,
                                     UnaryOperator<Mutiny.SelectionQuery<Object[]>> parameters) {
        Object[] read = round == null ? null : round.rows.get(key);
        if (read != null) {
            return Uni.createFrom().item(read);
        }
        return Panache.getSession().flatMap(session -> {
            Mutiny.SelectionQuery<Object[]> query = session.createSelectionQuery(hql.get(), Object[].class);
            if (round != null && !round.rows.isEmpty()) {
                query.setFlushMode(FlushModeType.COMMIT);
            }
            return parameters.apply(query).getSingleResult();
        }).invoke(row -> {
            if (round != null) {
                round.rows.put(key, row);
            }
        });
    }

    /**
     * The decision from one admission query's row: lock taken, pause and its reason, in flight on the model,
     * dispatched in the last minute, in flight on all of the provider's models.
     */
    Decision decide(ModelRef model, Object[] row, Instant now, int concurrency, int perMinute, int total) {
        boolean locked = Boolean.TRUE.equals(row[0]);
        Instant pausedUntil = instant(row[1]);
        long inFlight = ((Number) row[3]).longValue();
        long lastMinute = ((Number) row[4]).longValue();
        long providerInFlight = ((Number) row[5]).longValue();
        if (pausedUntil != null && pausedUntil.isAfter(now)) {
            return new Decision.Wait(pausedUntil, model + ": paused until " + pausedUntil.truncatedTo(ChronoUnit.SECONDS)
                    + (row[2] == null ? "" : " (" + row[2] + ")"));
        }
        if (!locked) {
            // Another transaction is deciding a dispatch to this model; counting now could let both through.
            return new Decision.Wait(now.plus(config.recheck()), model + ": another dispatch to it is being decided");
        }
        if (concurrency > 0 && inFlight >= concurrency) {
            return new Decision.Wait(now, model + ": " + inFlight + " of " + concurrency + " in flight "
                    + "(cohort.admission concurrency)");
        }
        if (total > 0 && providerInFlight >= total) {
            return new Decision.Wait(now, model + ": " + providerInFlight + " of " + total + " in flight on all of "
                    + model.provider().id() + "'s models (cohort.admission total-concurrency)");
        }
        if (perMinute > 0 && lastMinute >= perMinute) {
            return new Decision.Wait(now.plus(config.recheck()), model + ": " + lastMinute + " of " + perMinute
                    + " dispatches in the last minute (cohort.admission requests-per-minute)");
        }
        return new Decision.Admit(model);
    }

    /**
     * A worker started an attempt of {@code role} on {@code model}: from now on that is the role's model (for its
     * escalated attempts when {@code escalated}). Call inside a transaction. True when this replica did not know it.
     */
    public Uni<Boolean> learn(String role, boolean escalated, ModelRef model) {
        RoleKey key = new RoleKey(role, escalated);
        Known known = roleModels.get(key);
        if (known != null && model.equals(known.model())) {
            return Uni.createFrom().item(false);
        }
        return Panache.getSession().flatMap(session -> session.createNativeMutationQuery(
                                "insert into role_model (role, escalated, provider, model, seen_at) "
                                        + "values (:role, :escalated, :provider, :model, now()) "
                                        + "on conflict (role, escalated) do update set provider = excluded.provider, "
                                        + "model = excluded.model, seen_at = excluded.seen_at")
                        .setParameter("role", role)
                        .setParameter("escalated", escalated)
                        .setParameter("provider", model.provider().id())
                        .setParameter("model", model.model())
                        .executeUpdate())
                .invoke(() -> roleModels.put(key, new Known(model, Instant.now())))
                .replaceWith(true);
    }

    /**
     * An attempt on {@code model} failed because its provider was overloaded: the model takes no new work for
     * {@code pause}, on every replica. Call inside a transaction.
     */
    public Uni<Void> overloaded(ModelRef model, Duration pause, String reason) {
        Instant until = clock.now().plus(pause);
        Log.infof("Model %s is overloaded (%s); no new work for it until %s", model, reason, until);
        String cut = reason == null ? null : reason.length() > 400 ? reason.substring(0, 400) : reason;
        return Panache.getSession().flatMap(session -> session.createNativeMutationQuery(
                                "insert into model_admission (provider, model, paused_until, reason) "
                                        + "values (:provider, :model, :until, :reason) "
                                        + "on conflict (provider, model) do update set paused_until = "
                                        + "greatest(model_admission.paused_until, excluded.paused_until), "
                                        + "reason = excluded.reason")
                        .setParameter("provider", model.provider().id())
                        .setParameter("model", model.model())
                        .setParameter("until", OffsetDateTime.ofInstant(until, java.time.ZoneOffset.UTC))
                        .setParameter("reason", cut)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * How long a model should take no new work after an attempt failed with {@code kind}: the provider's own
     * Retry-After when the worker quoted it ("retry after N s"), else {@code cohort.admission.overload-pause}, for a
     * rate limit (429) or an overloaded server (503, "busy"); null for any other failure.
     */
    static Duration overloadPause(FailureKind kind, String reason, AdmissionConfig config) {
        boolean overloaded = kind == FailureKind.RATE_LIMITED
                || kind == FailureKind.SERVER_ERROR && reason != null && (reason.contains("503") || reason.contains("busy"));
        if (!overloaded || !config.enabled()) {
            return null;
        }
        Matcher m = reason == null ? null : RETRY_AFTER.matcher(reason);
        return pause(m != null && m.find() ? Long.valueOf(m.group(1)) : null, config);
    }

    /** The provider's Retry-After (1 s to an hour), or {@code cohort.admission.overload-pause} without one. */
    static Duration pause(Long retryAfterSeconds, AdmissionConfig config) {
        return retryAfterSeconds == null ? config.overloadPause()
                : Duration.ofSeconds(Math.max(1, Math.min(retryAfterSeconds, 3600)));
    }

    /** Each model the team has used or waits for, with its limits and load, for GET /api/workload. */
    public Uni<List<ModelLoad>> load() {
        String sql = "select k.provider, k.model, "
                + "(" + IN_FLIGHT
                + "and s.provider = k.provider and s.model = k.model), "
                + "(select count(*) from subtask s where s.status = 'pending' and s.waiting_for like "
                + "k.provider || '/' || k.model || ':%'), "
                + "(select m.paused_until from model_admission m where m.provider = k.provider and m.model = k.model) "
                + "from (select provider, model from role_model union select provider, model from model_admission) k "
                + "order by k.provider, k.model";
        Instant now = clock.now();
        return Panache.withSession(() -> Panache.getSession().flatMap(session ->
                session.createNativeQuery(sql, Object[].class).getResultList())).map(rows -> {
                    List<ModelLoad> loads = new ArrayList<>();
                    for (Object[] row : rows) {
                        ModelRef model;
                        try {
                            model = new ModelRef(Provider.fromId((String) row[0]), (String) row[1]);
                        } catch (RuntimeException e) {
                            continue;
                        }
                        Instant paused = instant(row[4]);
                        loads.add(new ModelLoad(model.toString(), ((Number) row[2]).longValue(),
                                ((Number) row[3]).longValue(), config.concurrency(model),
                                config.requestsPerMinute(model), paused != null && paused.isAfter(now) ? paused : null));
                    }
                    return loads;
                });
    }

    /** One model's load: in flight, held back waiting for it, its limits (0: none), and a pause in force. */
    public record ModelLoad(String model, long inFlight, long waiting, int concurrency, int requestsPerMinute,
                            Instant pausedUntil) {
    }

    private Uni<ModelRef> expectedModel(Subtask subtask, boolean escalate) {
        if (subtask.requestedModel != null && subtask.requestedProvider != null) {
            return Uni.createFrom().item(new ModelRef(Provider.fromId(subtask.requestedProvider), subtask.requestedModel));
        }
        RoleKey key = new RoleKey(subtask.role, escalate);
        Known known = roleModels.get(key);
        if (known != null && known.readAt().plus(ROLE_MODEL_TTL).isAfter(Instant.now())) {
            return Uni.createFrom().item(known.model());
        }
        return Panache.getSession().flatMap(session -> session.createSelectionQuery(ROLE_MODEL_QUERY, Object[].class)
                        .setParameter("role", subtask.role)
                        .setParameter("escalated", escalate)
                        .getResultList())
                .map(rows -> {
                    ModelRef model = null;
                    if (!rows.isEmpty()) {
                        try {
                            model = new ModelRef(Provider.fromId((String) rows.get(0)[0]), (String) rows.get(0)[1]);
                        } catch (RuntimeException e) {
                            Log.debugf("Ignoring role model %s: %s", rows.get(0)[0], e.getMessage());
                        }
                    }
                    roleModels.put(key, new Known(model, Instant.now()));
                    return model;
                });
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.LocalDateTime l) {
            return l.toInstant(java.time.ZoneOffset.UTC);
        }
        return Instant.parse(value.toString());
    }
}
