package dev.cohort.worker.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.contracts.model.MessageKind;
import dev.cohort.contracts.model.ParticipantType;
import dev.cohort.contracts.model.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerTest {

    private static final String ANSWER = """
            ## Backend

            The service keeps todos in memory.

            ```java path=src/main/java/todo/Todo.java
            record Todo(long id, String title) {}
            ```

            ```messages
            [{"to": {"type": "role", "id": "frontend"}, "kind": "question", "text": "Which port?"}]
            ```

            Ready for review.

            ```summary
            {"status": "done", "keyPoints": ["wrote the record"], "recommendation": "review it"}
            ```
            """;

    @Test
    void readsFilesSummaryAndMessages() {
        Answer answer = Answer.parse(ANSWER, Role.BACKEND);

        assertEquals(1, answer.files().size());
        Answer.File file = answer.files().get(0);
        assertEquals("src/main/java/todo/Todo.java", file.path());
        assertEquals("java", file.language());
        assertEquals(ArtifactKind.CODE, file.kind());
        assertEquals("record Todo(long id, String title) {}\n", file.content());

        assertEquals("done", answer.summary().status());
        assertEquals(List.of("wrote the record"), answer.summary().keyPoints());
        assertEquals("review it", answer.summary().recommendation());

        assertEquals(1, answer.messages().size());
        assertEquals(ParticipantType.ROLE, answer.messages().get(0).to().type());
        assertEquals("frontend", answer.messages().get(0).to().id());
        assertEquals(MessageKind.QUESTION, answer.messages().get(0).kind());
    }

    @Test
    void proseKeepsTheTextAndFilesButNotTheMachineReadableBlocks() {
        String prose = Answer.parse(ANSWER, Role.LEAD).prose();

        assertTrue(prose.startsWith("## Backend"), prose);
        assertTrue(prose.contains("The service keeps todos in memory."), prose);
        assertTrue(prose.contains("record Todo(long id, String title) {}"), prose);
        assertTrue(prose.contains("Ready for review."), prose);
        assertFalse(prose.contains("```summary"), prose);
        assertFalse(prose.contains("keyPoints"), prose);
        assertFalse(prose.contains("```messages"), prose);
        assertFalse(prose.contains("Which port?"), prose);
    }

    @Test
    void anAnswerWithoutBlocksIsAllProseAndStillHasASummary() {
        Answer answer = Answer.parse("Looks good to me.\nNo changes needed.", Role.REVIEWER);

        assertEquals("Looks good to me.\nNo changes needed.\n", answer.prose());
        assertEquals(List.of("Looks good to me.", "No changes needed."), answer.summary().keyPoints());
        assertTrue(answer.files().isEmpty());
    }

    @Test
    void aPathInTheHeadingBeforeAFenceNamesItsFile() {
        Answer answer = Answer.parse("""
                Here is the service.

                ### `src/main/java/todo/Todo.java`

                ```java
                record Todo(long id) {}
                ```

                **web/todo_list.js**
                ```javascript
                load();
                ```
                """, Role.BACKEND);

        assertEquals(List.of("src/main/java/todo/Todo.java", "web/todo_list.js"), paths(answer));
        assertEquals("record Todo(long id) {}\n", answer.files().get(0).content());
        assertEquals("load();\n", answer.files().get(1).content());
        assertEquals(2, answer.repairs().stream().filter(r -> r.startsWith("took the path")).count(), answer.repairs().toString());
    }

    @Test
    void aFirstLineCommentNamesItsFileAndIsNotPartOfIt() {
        Answer answer = Answer.parse("""
                ```python
                # file: app/main.py
                print("hi")
                ```

                ```html
                <!-- path: web/index.html -->
                <p>hi</p>
                ```
                """, Role.BACKEND);

        assertEquals(List.of("app/main.py", "web/index.html"), paths(answer));
        assertEquals("print(\"hi\")\n", answer.files().get(0).content());
        assertEquals("<p>hi</p>\n", answer.files().get(1).content());
    }

    @Test
    void twoFilesInOneFenceAreSplitAtTheirPathComments() {
        Answer answer = Answer.parse("""
                ```java
                // path: src/main/java/todo/Todo.java
                record Todo(long id) {}

                // path: src/main/java/todo/TodoResource.java
                class TodoResource {
                    // path of the resource: /todos
                }
                ```
                """, Role.BACKEND);

        assertEquals(List.of("src/main/java/todo/Todo.java", "src/main/java/todo/TodoResource.java"), paths(answer));
        assertEquals("record Todo(long id) {}\n", answer.files().get(0).content());
        assertEquals("class TodoResource {\n    // path of the resource: /todos\n}\n", answer.files().get(1).content());
        assertTrue(answer.repairs().get(0).startsWith("split one code block into 2 files"), answer.repairs().toString());
    }

    @Test
    void aFenceWithNoPathAnywhereIsNotGuessedAt() {
        Answer answer = Answer.parse("""
                Here is the updated Todo.java:

                ```java
                record Todo(long id) {}
                ```

                ## Notes, e.g. caching

                ```bash
                ./mvnw test
                ```
                """, Role.BACKEND);

        assertTrue(answer.files().isEmpty(), paths(answer).toString());
        assertEquals(2, answer.unnamedBlocks());
    }

    @Test
    void aSummaryWithCommentsAndTrailingCommasIsRead() {
        Answer answer = Answer.parse("""
                ```summary
                {
                  // done
                  "status": "done",
                  "keyPoints": ["wrote it",],
                }
                ```
                """, Role.BACKEND);

        assertEquals(List.of("wrote it"), answer.summary().keyPoints());
        assertTrue(answer.repairs().get(0).contains("removed comments or trailing commas"), answer.repairs().toString());
    }

    @Test
    void aMissingOrUnreadableSummaryIsMadeFromTheFilesAndSaidSo() {
        String files = "```java path=src/A.java\nclass A {}\n```\n";

        Answer missing = Answer.parse(files, Role.BACKEND);
        Answer broken = Answer.parse(files + "```summary\n{status: done, keyPoints: [\"wrote A\"\n```\n", Role.BACKEND);

        for (Answer answer : List.of(missing, broken)) {
            assertEquals(List.of("wrote src/A.java"), answer.summary().keyPoints());
            assertEquals("done", answer.summary().status());
        }
        assertTrue(missing.repairs().get(0).contains("no summary block"), missing.repairs().toString());
        assertTrue(broken.repairs().get(0).contains("not JSON"), broken.repairs().toString());
        assertFalse(broken.prose().contains("keyPoints"), broken.prose());
    }

    @Test
    void aFenceThatIsNeverClosedIsNoFile() {
        Answer answer = Answer.parse("```java path=src/A.java\nclass A {}\n```\n\n```java path=src/B.java\nclass B {",
                Role.BACKEND);

        assertEquals(List.of("src/A.java"), paths(answer));
        assertTrue(answer.unclosedBlock());
    }

    @Test
    void aLongerFenceQuotesShorterOnesWhole() {
        Answer answer = Answer.parse("````markdown path=README.md\n# Use\n```\n./run\n```\n````\n", Role.BACKEND);

        assertEquals("# Use\n```\n./run\n```\n", answer.files().get(0).content());
    }

    @Test
    void aFenceInsideIndentedCodeDoesNotCloseTheFile() {
        String java = "class Docs {\n    String text = \"\"\"\n        ```\n        \"\"\";\n}\n";

        Answer answer = Answer.parse("```java path=src/Docs.java\n" + java + "```\n", Role.BACKEND);

        assertEquals(java, answer.files().get(0).content());
        assertFalse(answer.unclosedBlock());
    }

    private static List<String> paths(Answer answer) {
        return answer.files().stream().map(Answer.File::path).toList();
    }
}
