package dev.cohort.context.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyPatternTest {

    @Test
    void starStaysWithinOneSegment() {
        assertTrue(KeyPattern.of("src/*.java").test("src/App.java"));
        assertFalse(KeyPattern.of("src/*.java").test("src/main/App.java"));
    }

    @Test
    void doubleStarCrossesSegmentsAndMatchesNone() {
        assertTrue(KeyPattern.of("src/**/*.java").test("src/main/java/App.java"));
        assertTrue(KeyPattern.of("src/**/*.java").test("src/App.java"));
        assertTrue(KeyPattern.of("review/**").test("review/backend"));
        assertFalse(KeyPattern.of("src/**/*.java").test("test/App.java"));
    }

    @Test
    void questionMarkIsOneCharacterAndRegexCharactersAreLiteral() {
        assertTrue(KeyPattern.of("v?.txt").test("v1.txt"));
        assertFalse(KeyPattern.of("v?.txt").test("v10.txt"));
        assertTrue(KeyPattern.of("a+b(c).txt").test("a+b(c).txt"));
        assertFalse(KeyPattern.of("a.txt").test("abtxt"));
    }

    @Test
    void absentPatternMatchesEverything() {
        assertTrue(KeyPattern.of(null).test("anything/at/all"));
        assertTrue(KeyPattern.of("").test("x"));
    }
}
