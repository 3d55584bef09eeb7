package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.Topics;
import dev.cohort.contracts.model.Role;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The topics the services' channels name in their configuration are {@link Topics}' names: a typo in a properties
 * file would otherwise make a channel read or write a topic nobody else uses, and nothing would fail.
 */
class TopicNamesTest {

    @Test
    void everyChannelTopicInTheServicesConfigurationIsOneOfTheContractsTopics() {
        Set<String> known = new LinkedHashSet<>(CodeFacts.sharedTopics());
        Stream.of(Role.values()).map(Topics::dispatch).forEach(known::add);
        Map<String, String> named = new TreeMap<>();
        for (Repo.QuarkusApp app : Repo.apps().values()) {
            app.properties().stringPropertyNames().stream()
                    .filter(key -> key.replaceFirst("^%[^.]+\\.", "").startsWith("mp.messaging.")
                            && (key.endsWith(".topic") || key.endsWith(".topics")))
                    .forEach(key -> {
                        for (String topic : app.properties().getProperty(key).split(",")) {
                            named.put(app.module() + ": " + key + " = " + topic.strip(), topic.strip());
                        }
                    });
        }
        assertFalse(named.isEmpty(), "the services' channels name their topics in application.properties");
        Map<String, String> unknown = new TreeMap<>();
        named.forEach((where, topic) -> {
            if (!known.contains(topic)) {
                unknown.put(where, topic);
            }
        });
        assertEquals(Map.of(), unknown, "topics not in dev.cohort.contracts.Topics " + known);
        assertTrue(named.containsValue(Topics.AGENT_EVENTS) && named.containsValue(Topics.TASK_EVENTS),
                "the event topics are among them: " + named.keySet());
    }
}
