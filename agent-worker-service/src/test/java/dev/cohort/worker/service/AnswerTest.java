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
}
