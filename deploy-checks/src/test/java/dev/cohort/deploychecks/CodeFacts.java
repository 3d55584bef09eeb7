package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.cohort.contracts.Topics;
import dev.cohort.contracts.model.Role;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Facts of the code that deployment files must agree with. */
final class CodeFacts {

    static final String WORKER_MODULE = "agent-worker-service";
    /** The orchestrator's workload endpoint, which the worker groups' autoscaling reads. */
    static final String WORKLOAD_PATH = "/api/workload";

    private CodeFacts() {
    }

    /** Every role id, in the order of {@link Role}. */
    static Set<String> roles() {
        return Stream.of(Role.values()).map(Role::id).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The topics that are not per role: the event topics and the dead-letter topic. */
    static Set<String> sharedTopics() {
        Set<String> topics = new LinkedHashSet<>(Topics.EVENT_TOPICS);
        topics.add(Topics.DEAD_LETTER);
        return topics;
    }

    static String dispatchTopic(String roleId) {
        return Topics.dispatch(Role.fromId(roleId));
    }

    /** The worker's share-group name prefix (cohort.worker.share-group-prefix, its @WithDefault). */
    static String shareGroupPrefix() {
        String prefix = Repo.app(WORKER_MODULE).mappingDefaults().get("cohort.worker.share-group-prefix");
        assertNotNull(prefix, "cohort.worker.share-group-prefix has no default in the worker's config mapping");
        return Repo.app(WORKER_MODULE).properties().getProperty("cohort.worker.share-group-prefix", prefix);
    }

    /** The databases the services connect to (from their JDBC URLs). */
    static Set<String> databases() {
        return Repo.apps().values().stream().map(Repo.QuarkusApp::database).filter(Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> createdDatabases(Path sql) {
        return Pattern.compile("(?im)^\\s*CREATE\\s+DATABASE\\s+(\\w+)\\s*;").matcher(Repo.read(sql)).results()
                .map(r -> r.group(1)).collect(Collectors.toCollection(TreeSet::new));
    }
}
