package dev.cohort.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {

    @Test
    void relativePathsAreKeptInNormalForm() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("src/Main.java", "class Main {}");
        files.put("./test//main.test.js", "");
        files.put("a/./b.txt", "b");
        assertEquals(Map.of("src/Main.java", "class Main {}", "test/main.test.js", "", "a/b.txt", "b"),
                Workspace.check(files));
    }

    @Test
    void pathsThatLeaveTheWorkspaceOrAreMalformedAreRefusedWithAReason() {
        assertRefused("/etc/passwd", "is absolute");
        assertRefused("../outside.txt", "contains '..'");
        assertRefused("src/../../outside.txt", "contains '..'");
        assertRefused("a\0b", "contains NUL");
        assertRefused("", "is empty");
        assertRefused("src/", "names a directory");
        assertRefused(".", "names the workspace root");
        Map<String, String> twice = new HashMap<>();
        twice.put("a.txt", "1");
        twice.put("./a.txt", "2");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Workspace.check(twice))
                .getMessage().contains("given twice"));
        Map<String, String> below = new HashMap<>();
        below.put("a", "file");
        below.put("a/b.txt", "below the file");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Workspace.check(below))
                .getMessage().contains("lies below the file 'a'"));
        Map<String, String> noContent = new HashMap<>();
        noContent.put("a.txt", null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Workspace.check(noContent))
                .getMessage().contains("has no content"));
    }

    @Test
    void aCopyIsWrittenAndDeletedWithoutFollowingLinks(@TempDir Path root) throws Exception {
        Path outside = Files.writeString(root.resolve("outside.txt"), "keep me");
        Path copy = Workspace.materialise(root, Workspace.check(Map.of("src/a.txt", "A", "run.sh", "#!/bin/sh\n")),
                -1);
        assertEquals("A", Files.readString(copy.resolve("workspace/src/a.txt")));
        assertTrue(Files.isExecutable(copy.resolve("workspace/run.sh")));
        assertFalse(Files.isExecutable(copy.resolve("workspace/src/a.txt")));
        assertEquals("nobody:x:65534:65534:nobody:/workspace:/bin/sh\n", Files.readString(copy.resolve("passwd")));
        Files.createSymbolicLink(copy.resolve("link"), outside);
        Files.createSymbolicLink(copy.resolve("dirlink"), root);
        Workspace.delete(copy);
        assertFalse(Files.exists(copy));
        assertEquals("keep me", Files.readString(outside));
    }

    private static void assertRefused(String path, String reason) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Workspace.check(Map.of(path, "x")), path);
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }
}
