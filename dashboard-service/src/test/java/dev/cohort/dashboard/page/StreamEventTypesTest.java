package dev.cohort.dashboard.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.ArtifactEvent;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.contracts.event.TaskEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A browser's EventSource hands on only the named events it listens for, so the page's list of them must name every
 * event the dashboard streams; an event type missing there would reach the browser and be dropped without a word.
 */
class StreamEventTypesTest {

    @Test
    void thePageListensForEveryEventTheDashboardStreams() throws IOException {
        Set<String> streamed = Arrays.stream(CohortEvent.class.getAnnotation(JsonSubTypes.class).value())
                .map(JsonSubTypes.Type::value)
                .filter(type -> TaskEvent.class.isAssignableFrom(type) || AgentEvent.class.isAssignableFrom(type)
                        || ArtifactEvent.class.isAssignableFrom(type) || AgentMessage.class.isAssignableFrom(type))
                .map(type -> CohortEvent.typeOf(type.asSubclass(CohortEvent.class)))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> listened = listenedFor();
        assertEquals(Set.of(), streamed.stream().filter(type -> !listened.contains(type))
                .collect(Collectors.toCollection(TreeSet::new)), "event types the page would drop");
        assertEquals(streamed, listened, "the page listens for exactly the events it is sent");
    }

    private static Set<String> listenedFor() throws IOException {
        try (InputStream in = StreamEventTypesTest.class.getResourceAsStream("/META-INF/resources/js/stream.js")) {
            assertNotNull(in, "js/stream.js on the class path");
            String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher list = Pattern.compile("EventStream\\.TYPES = \\[([^\\]]*)\\]").matcher(js);
            if (!list.find()) {
                throw new AssertionError("no EventStream.TYPES in js/stream.js");
            }
            Set<String> types = new TreeSet<>();
            Matcher quoted = Pattern.compile("'([a-z.-]+)'").matcher(list.group(1));
            while (quoted.find()) {
                types.add(quoted.group(1));
            }
            return types;
        }
    }
}
