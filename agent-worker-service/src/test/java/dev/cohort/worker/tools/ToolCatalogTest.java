package dev.cohort.worker.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.worker.model.ToolSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tools' schemas: what is offered to whom, and which arguments a call may have. */
class ToolCatalogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void runIsOfferedOnlyToARoleThatMayRunProgramsAndNamesThem() {
        List<String> plain = ToolCatalog.offered(List.of()).stream().map(ToolSpec::name).toList();
        assertEquals(List.of("list_artifacts", "read_artifact", "write_artifact", "send_message", "ask", "finish"),
                plain);
        ToolSpec run = ToolCatalog.offered(List.of("node", "javac")).stream().filter(t -> t.name().equals("run"))
                .findFirst().orElseThrow();
        assertTrue(run.description().endsWith("Programs you may run: node, javac."), run.description());
    }

    @Test
    void argumentsThatFitTheSchemaHaveNoProblems() throws Exception {
        assertEquals(List.of(), ToolCatalog.problems("write_artifact",
                JSON.readTree("{\"key\": \"src/a.mjs\", \"content\": \"export {}\", \"kind\": \"code\"}")));
        assertEquals(List.of(), ToolCatalog.problems("finish",
                JSON.readTree("{\"status\": \"done\", \"key_points\": [\"wrote a.mjs\"]}")));
        assertEquals(List.of(), ToolCatalog.problems("send_message",
                JSON.readTree("{\"to\": \"role:frontend\", \"text\": \"the API is on 8080\"}")));
    }

    @Test
    void eachKindOfMistakeIsNamed() throws Exception {
        assertProblem("write_artifact", "{\"key\": \"a.mjs\"}", "content");
        assertProblem("write_artifact", "{\"key\": \"a.mjs\", \"content\": \"x\", \"kind\": \"plan\"}", "kind");
        assertProblem("read_artifact", "{\"key\": \"a.mjs\", \"version\": \"latest\"}", "version");
        assertProblem("finish", "{\"status\": \"done\", \"key_points\": \"all of it\"}", "key_points");
        assertProblem("send_message", "{\"to\": \"everyone\", \"text\": \"hi\"}", "to");
        assertProblem("ask", "{\"role\": \"wizard\", \"question\": \"?\"}", "role");
        assertProblem("list_artifacts", "{\"prefix\": \"src/\", \"recursive\": true}", "recursive");
        assertFalse(ToolCatalog.problems("delete_workspace", JSON.createObjectNode()).isEmpty());
    }

    private static void assertProblem(String tool, String arguments, String mentioned) throws Exception {
        List<String> problems = ToolCatalog.problems(tool, JSON.readTree(arguments));
        assertTrue(problems.stream().anyMatch(p -> p.contains(mentioned)),
                tool + " " + arguments + " should name '" + mentioned + "': " + problems);
    }
}
