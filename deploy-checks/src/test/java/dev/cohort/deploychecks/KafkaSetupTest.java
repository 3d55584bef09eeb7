package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.Topics;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** scripts/kafka-setup.sh, shared by docker-compose and Kubernetes, creates the topics and groups the code uses. */
class KafkaSetupTest {

    static final Path SCRIPT = Repo.K8S_DIR.resolve("scripts/kafka-setup.sh");
    /** Sourced by the Kafka scripts: the users and the super user's client configuration. */
    static final Path CLIENT = Repo.K8S_DIR.resolve("scripts/kafka-client.sh");
    static final Path FORMAT = Repo.K8S_DIR.resolve("scripts/kafka-format.sh");

    @Test
    void createsEveryTopicOfTheContracts() {
        String script = Repo.read(SCRIPT);
        assertEquals(CodeFacts.sharedTopics(), Repo.shellWords(script, "EVENT_TOPICS"), "the non-dispatch topics");
        assertEquals(CodeFacts.roles(), Repo.shellWords(script, "ROLES"), "one dispatch topic per role");
        assertTrue(script.contains("--topic \"" + Topics.DISPATCH_PREFIX + "$role\""),
                "dispatch topics are not named " + Topics.DISPATCH_PREFIX + "<role>");
    }

    @Test
    void configuresTheWorkersShareGroups() {
        String script = Repo.read(SCRIPT);
        assertEquals(CodeFacts.shareGroupPrefix(), Repo.shellWords(script, "SHARE_GROUP_PREFIX").iterator().next(),
                "the share groups the workers join");
        assertTrue(script.contains("--entity-name \"$SHARE_GROUP_PREFIX$role\""), "share groups are not configured per role");
        assertTrue(script.contains("share.auto.offset.reset=earliest"), "share groups would skip dispatches sent earlier");
        assertTrue(script.contains("--feature share.version=1"), "share groups are not switched on");
        // Re-running must not fail on topics that exist.
        assertTrue(script.lines().filter(l -> l.contains("--create")).allMatch(l -> l.contains("--if-not-exists")),
                "a topic creation is not idempotent");
        assertTrue(script.contains("set -euo pipefail"), "a failed step must fail the setup");
    }

    @Test
    void everyScriptAuthenticatesAsTheSuperUserAndFormattingAddsEveryUser() {
        for (Path script : List.of(SCRIPT, FORMAT, Repo.K8S_DIR.resolve("scripts/kafka-ready.sh"))) {
            String text = Repo.read(script);
            assertTrue(text.contains("set -euo pipefail"), script + ": a failed step must fail");
            assertTrue(text.contains(". \"$(dirname \"$0\")/kafka-client.sh\""), script + " does not source kafka-client.sh");
        }
        String setup = Repo.read(SCRIPT);
        // Every Kafka tool of the setup talks to the broker as the super user.
        setup.lines().filter(l -> l.contains("\"$BIN/kafka-")).forEach(l ->
                assertTrue(l.contains("\"${ADMIN[@]}\""), "a Kafka tool without the super user's configuration: " + l));
        assertTrue(setup.contains("for user in $SERVICE_USERS"), "the services' passwords are not set again");
        String format = Repo.read(FORMAT);
        assertTrue(format.contains("for user in \"$ADMIN_USER\" $SERVICE_USERS"), "formatting adds not every user");
        assertTrue(format.contains("--add-scram \"SCRAM-SHA-512=") && format.contains("--ignore-formatted"),
                "formatting must add SCRAM-SHA-512 users and leave a formatted volume alone");
        assertTrue(Repo.read(CLIENT).contains("sasl.mechanism=${KAFKA_SASL_MECHANISM:-SCRAM-SHA-512}"));
    }
}
