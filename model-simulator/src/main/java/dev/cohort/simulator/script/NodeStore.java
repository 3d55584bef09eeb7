package dev.cohort.simulator.script;

import dev.cohort.simulator.service.AnswerStyle;
import java.util.Locale;

/**
 * The Node.js files of the verified plan: {@code src/<slug>-store.mjs}, an in-memory store as an ES module, and
 * {@code test/<slug>-store.test.mjs}, its tests for {@code node --test test/}. The tests pass against the store and
 * fail against its broken variant, whose {@code remove()} answers true without removing anything.
 */
final class NodeStore {

    /** The phrase of a fix round's instructions ("Fix the failing tests: ..."): the store is written correctly. */
    static final String FIX_ROUND = "failing tests";

    private NodeStore() {
    }

    static boolean isStore(String path) {
        return path.endsWith("-store.mjs");
    }

    static boolean isTest(String path) {
        return path.endsWith(".test.mjs");
    }

    /** Whether a store written in this style for this prompt is the broken one. */
    static boolean broken(AnswerStyle style, ChatPrompt prompt) {
        return style == AnswerStyle.BROKEN_FIRST
                && !prompt.userText().toLowerCase(Locale.ROOT).contains(FIX_ROUND);
    }

    /** The store module; {@code broken}, one whose remove() removes nothing. */
    static String store(ChatPrompt prompt, boolean broken) {
        String remove = broken ? """
                    remove(id) {
                      return true;
                    },
                """ : """
                    remove(id) {
                      return items.delete(id);
                    },
                """;
        return """
                // The %1$s store: items kept in memory, each with an id, a title and a done flag.

                export function createStore() {
                  const items = new Map();
                  let nextId = 1;

                  function copy(item) {
                    return item === undefined ? undefined : { ...item };
                  }

                  return {
                    add(title) {
                      if (typeof title !== 'string' || title.trim() === '') {
                        throw new TypeError('title must not be blank');
                      }
                      const item = { id: String(nextId++), title: title.trim(), done: false };
                      items.set(item.id, item);
                      return copy(item);
                    },
                    get(id) {
                      return copy(items.get(id));
                    },
                    list() {
                      return [...items.values()].map(copy);
                    },
                %2$s    toggle(id) {
                      const item = items.get(id);
                      if (item === undefined) {
                        return undefined;
                      }
                      item.done = !item.done;
                      return copy(item);
                    },
                  };
                }
                """.formatted(prompt.slug(), remove);
    }

    /** The tests at {@code path}, importing the store of the same name from {@code src/}. */
    static String test(String path, ChatPrompt prompt) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        String module = "../".repeat((int) path.chars().filter(c -> c == '/').count()) + "src/"
                + file.replace(".test.mjs", ".mjs");
        return """
                import { test } from 'node:test';
                import assert from 'node:assert/strict';
                import { createStore } from '%2$s';

                test('add gives each %1$s an id and keeps its title', () => {
                  const store = createStore();
                  const first = store.add('first');
                  const second = store.add('second');
                  assert.notEqual(first.id, second.id);
                  assert.equal(store.get(first.id).title, 'first');
                  assert.equal(first.done, false);
                });

                test('add rejects a blank title', () => {
                  const store = createStore();
                  assert.throws(() => store.add(''));
                  assert.throws(() => store.add('   '));
                  assert.equal(store.list().length, 0);
                });

                test('list returns every %1$s', () => {
                  const store = createStore();
                  store.add('a');
                  store.add('b');
                  assert.deepEqual(store.list().map(item => item.title), ['a', 'b']);
                });

                test('get of an unknown id is undefined', () => {
                  assert.equal(createStore().get('missing'), undefined);
                });

                test('remove deletes the %1$s', () => {
                  const store = createStore();
                  const item = store.add('gone');
                  assert.equal(store.remove(item.id), true);
                  assert.equal(store.get(item.id), undefined);
                  assert.equal(store.list().length, 0);
                  assert.equal(store.remove(item.id), false);
                });

                test('toggle flips done', () => {
                  const store = createStore();
                  const item = store.add('flip');
                  assert.equal(store.toggle(item.id).done, true);
                  assert.equal(store.get(item.id).done, true);
                  assert.equal(store.toggle(item.id).done, false);
                });
                """.formatted(prompt.slug(), module);
    }
}
