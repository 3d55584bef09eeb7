package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.Topics;
import dev.cohort.deploychecks.KafkaAccess.Acl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The ACLs of scripts/kafka-setup.sh grant each service what its code does on Kafka, and nothing more. */
class KafkaAclsTest {

    @Test
    void theAclsAreExactlyWhatTheServicesCodeNeeds() {
        Set<Acl> granted = KafkaAccess.granted();
        Set<Acl> needed = KafkaAccess.needed();
        Set<Acl> missing = new TreeSet<>(needed);
        missing.removeAll(granted);
        Set<Acl> extra = new TreeSet<>(granted);
        extra.removeAll(needed);
        assertTrue(missing.isEmpty() && extra.isEmpty(), "kafka-setup.sh ACLs differ from the code: missing "
                + missing + ", not needed " + extra);
    }

    @Test
    void everyTopicHasExactlyItsProducersAndConsumers() {
        Set<Acl> granted = KafkaAccess.granted();
        Set<Acl> needed = KafkaAccess.needed();
        for (String topic : KafkaAccess.allTopics()) {
            for (String operation : List.of(KafkaAccess.WRITE, KafkaAccess.READ)) {
                Set<String> code = KafkaAccess.principals(needed, operation, topic);
                assertFalse(code.isEmpty(), "no service may " + operation + " " + topic + " by the code");
                assertEquals(code, KafkaAccess.principals(granted, operation, topic), operation + " " + topic);
            }
        }
    }

    @Test
    void workersWriteOnlyTheirReportsAndDeadLetters() {
        Set<String> written = new TreeSet<>();
        for (String topic : KafkaAccess.allTopics()) {
            if (KafkaAccess.principals(KafkaAccess.granted(), KafkaAccess.WRITE, topic).contains("worker")) {
                written.add(topic);
            }
        }
        // A worker that wrote task events or dispatches could change any task. Its agents' messages are taken only
        // as from an agent (CooperationService.onMessage).
        assertFalse(written.contains(Topics.TASK_EVENTS), "workers may write task events");
        assertEquals(Set.of(Topics.AGENT_EVENTS, Topics.AGENT_MESSAGES, Topics.DEAD_LETTER), written,
                "topics workers may write");
    }

    @Test
    void theDashboardOnlyReads() {
        String user = KafkaAccess.user("dashboard-service");
        List<Acl> writes = new ArrayList<>();
        for (Acl acl : KafkaAccess.granted()) {
            if (acl.principal().equals(user) && !acl.operation().equals(KafkaAccess.READ)) {
                writes.add(acl);
            }
        }
        assertEquals(List.of(), writes, "the dashboard may do more than read");
        Repo.QuarkusApp dashboard = Repo.app("dashboard-service");
        assertTrue(KafkaAccess.needed(dashboard).stream().allMatch(a -> a.operation().equals(KafkaAccess.READ)),
                "the dashboard's code needs more than reads: " + KafkaAccess.needed(dashboard));
        for (String topic : Topics.EVENT_TOPICS) {
            assertTrue(KafkaAccess.principals(KafkaAccess.granted(), KafkaAccess.READ, topic).contains(user),
                    "the dashboard cannot read " + topic);
        }
    }

    @Test
    void kafkaClientsBuiltInTheCodeUseOnlyTopicsOfTheirServicesAcls() {
        for (Repo.QuarkusApp app : Repo.apps().values()) {
            if (!app.usesKafka()) {
                continue;
            }
            Set<Acl> acls = KafkaAccess.needed(app);
            for (Map.Entry<Path, Set<String>> client : KafkaAccess.directClients(app).entrySet()) {
                for (String topic : client.getValue()) {
                    String name = topic.endsWith("*") ? topic.substring(0, topic.length() - 1) + "x" : topic;
                    assertTrue(acls.stream().anyMatch(a -> a.covers(KafkaAccess.TOPIC, name)), client.getKey()
                            + " uses " + topic + ", for which " + app.module() + " has no ACL");
                }
            }
        }
    }

    @Test
    void everyPrincipalIsAServiceUserAndNoAclIsAWildcard() {
        Set<String> users = Repo.shellWords(Repo.read(KafkaSetupTest.CLIENT), "SERVICE_USERS");
        Set<String> kafkaModules = Repo.apps().values().stream().filter(Repo.QuarkusApp::usesKafka)
                .map(Repo.QuarkusApp::module).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(kafkaModules, new TreeSet<>(KafkaAccess.USERS.keySet()), "one Kafka user per Kafka-using service");
        assertEquals(new TreeSet<>(KafkaAccess.USERS.values()), new TreeSet<>(users),
                "SERVICE_USERS in kafka-client.sh");
        for (Acl acl : KafkaAccess.granted()) {
            assertTrue(users.contains(acl.principal()), acl + ": not a service user");
            assertFalse(acl.name().contains("*") || acl.operation().equalsIgnoreCase("All"), acl + ": too wide");
        }
    }
}
