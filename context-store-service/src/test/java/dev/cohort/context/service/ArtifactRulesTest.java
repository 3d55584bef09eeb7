package dev.cohort.context.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactRulesTest {

    private final ArtifactRules rules = new ArtifactRules(10);

    @ParameterizedTest
    @ValueSource(strings = {"plan", "review/backend", "src/main/java/App.java", "api/openapi.yaml", "a..b/c", ".gitignore",
            "docs/résumé.md"})
    void relativePathsAreKeys(String key) {
        assertEquals(key, rules.key(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "a/../b", "./a", "/abs", "\\\\server\\share", "D:relative", "a//b", "a/", "a\u202eb",
            "a\u0085b", "a\u2028b"})
    void unsafeKeysAreRefused(String key) {
        ContextStoreException e = assertThrows(ContextStoreException.class, () -> rules.key(key));
        assertEquals(400, e.status());
        assertEquals("invalid-key", e.error());
    }

    @Test
    void sizeIsCountedInUtf8Bytes() {
        assertEquals(10, rules.contentSize("ééééé"));
        ContextStoreException e = assertThrows(ContextStoreException.class, () -> rules.contentSize("éééééé"));
        assertEquals(413, e.status());
        assertTrue(e.getMessage().contains("the limit is 10 bytes"), e.getMessage());
    }

    @Test
    void nulInContentIsRefusedBeforeTheDatabaseSeesIt() {
        ContextStoreException e = assertThrows(ContextStoreException.class, () -> rules.contentSize("a\u0000b"));
        assertEquals(400, e.status());
    }

    @Test
    void keyLengthIsLimited() {
        assertEquals(400, assertThrows(ContextStoreException.class, () -> rules.key("k".repeat(513))).status());
        assertEquals(512, rules.key("k".repeat(512)).length());
    }
}
