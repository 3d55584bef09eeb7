package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.Topics;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** scripts/kafka-setup.sh, shared by docker-compose and Kubernetes, creates the topics and groups the code uses. */
class KafkaSetupTest {

    static final Path SCRIPT = Repo.K8S_DIR.resolve("scripts/kafka-setup.sh");

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
}
