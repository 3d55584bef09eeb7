package dev.cohort.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandTest {

    @Test
    void wordsAreSplitLikeAShellSplitsThem() {
        assertEquals(List.of("node", "--test"), Command.parse("  node   --test "));
        assertEquals(List.of("echo", "a b", "c'd", ""), Command.parse("echo 'a b' \"c'd\" ''"));
        assertEquals(List.of("echo", "a b", "x\"y", "$HOME", "back\\slash"),
                Command.parse("echo a\\ b \"x\\\"y\" \"\\$HOME\" \"back\\\\slash\""));
        assertEquals(List.of("grep", "-e", "a|b; c > d"), Command.parse("grep -e 'a|b; c > d'"));
        assertEquals(List.of("echo", "ab"), Command.parse("echo a\"\"b"));
        assertEquals(List.of("javac", "-d", "out", "src/Main.java"), Command.parse("javac -d out src/Main.java"));
    }

    @Test
    void shellOperatorsOutsideQuotesAreRefusedWithAReason() {
        for (String line : List.of("ls | wc", "make && make test", "sleep 1 &", "a; b", "cat < in", "echo > out",
                "echo $(id)", "echo `id`", "echo $HOME", "(cd x)", "a\nb", "a || b")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> Command.parse(line), line);
            assertTrue(refused.getMessage().contains("is not allowed"), refused.getMessage());
            assertTrue(refused.getMessage().contains("without a shell"), refused.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Command.parse("echo $(id)"))
                .getMessage().startsWith("'$('"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Command.parse("a && b"))
                .getMessage().startsWith("'&&'"));
    }

    @Test
    void malformedLinesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Command.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Command.parse("   "));
        assertThrows(IllegalArgumentException.class, () -> Command.parse(null));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Command.parse("echo 'open"))
                .getMessage().contains("unclosed single quote"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Command.parse("echo \"open"))
                .getMessage().contains("unclosed double quote"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Command.parse("echo \\"))
                .getMessage().contains("backslash"));
    }

    @Test
    void theProgramIsTheBaseNameOfTheFirstWord() {
        assertEquals("node", Command.program(List.of("node", "--test")));
        assertEquals("node", Command.program(Command.parse("/usr/bin/node --test")));
        assertEquals("gradlew", Command.program(List.of("./gradlew", "build")));
        assertThrows(IllegalArgumentException.class, () -> Command.program(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Command.program(List.of("/usr/bin/")));
    }
}
