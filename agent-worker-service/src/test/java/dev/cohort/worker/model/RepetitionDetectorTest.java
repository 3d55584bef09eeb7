package dev.cohort.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A stream that loops is noticed after a few repeats; text that merely has repeated parts is not. */
class RepetitionDetectorTest {

    private static final String PARAGRAPH = "To build the todo service we first need to understand what it has to "
            + "do, so let me restate the task before I start.\n\n";

    @Test
    void theSameParagraphFourTimesInARowIsALoop() {
        RepetitionDetector detector = new RepetitionDetector();
        StringBuilder text = new StringBuilder("Let me think step by step.\n\n");
        int found = 0;
        int copies = 0;
        while (found == 0 && copies < 20) {
            for (String word : PARAGRAPH.split("(?<= )")) {
                text.append(word);
                found = Math.max(found, detector.check(text));
            }
            copies++;
        }

        assertEquals(PARAGRAPH.length(), found);
        assertTrue(copies <= RepetitionDetector.REPEATS + 1, "noticed after " + copies + " copies");
    }

    @Test
    void threeCopiesAreNotYetALoop() {
        RepetitionDetector detector = new RepetitionDetector();

        assertEquals(0, detector.check("Intro.\n\n" + PARAGRAPH.repeat(3)));
    }

    @Test
    void repeatedShortLinesRulersAndDifferentParagraphsAreNotLoops() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            code.append("    @Test\n    void case").append(i).append("() {\n        assertTrue(run(").append(i)
                    .append("));\n    }\n\n");
        }
        assertEquals(0, new RepetitionDetector().check(code));
        assertEquals(0, new RepetitionDetector().check("=".repeat(2000)));
        assertEquals(0, new RepetitionDetector().check("0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n".repeat(40)));
    }
}
