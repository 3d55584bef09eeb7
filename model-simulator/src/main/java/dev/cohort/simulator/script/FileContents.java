package dev.cohort.simulator.script;

import java.util.Locale;

/** Plausible, deterministic contents for a file the simulator "writes", chosen by its path. */
final class FileContents {

    private FileContents() {
    }

    static String language(String path) {
        String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "java" -> "java";
            case "yaml", "yml" -> "yaml";
            case "md" -> "markdown";
            case "html" -> "html";
            case "js", "mjs" -> "javascript";
            case "ts" -> "typescript";
            case "css" -> "css";
            case "json" -> "json";
            case "sql" -> "sql";
            default -> "text";
        };
    }

    static String of(String path, ChatPrompt prompt) {
        return of(path, prompt, false);
    }

    /** The contents of {@code path}; with {@code brokenStore}, a Node store module is the broken one. */
    static String of(String path, ChatPrompt prompt, boolean brokenStore) {
        if (NodeStore.isTest(path)) {
            return NodeStore.test(path, prompt);
        }
        if (NodeStore.isStore(path)) {
            return NodeStore.store(prompt, brokenStore);
        }
        String slug = prompt.slug();
        String entity = prompt.entity();
        String file = path.substring(path.lastIndexOf('/') + 1);
        String type = file.contains(".") ? file.substring(0, file.indexOf('.')) : file;
        return switch (language(path)) {
            case "java" -> java(path, type, slug, entity);
            case "yaml" -> openApi(slug, entity);
            case "html" -> html(slug, entity);
            case "javascript", "typescript" -> script(slug);
            case "markdown" -> markdown(path, prompt);
            case "json" -> "{\n  \"" + slug + "\": []\n}\n";
            default -> "# " + entity + "\n";
        };
    }

    private static String java(String path, String type, String slug, String entity) {
        String pkg = path.contains("/java/")
                ? path.substring(path.indexOf("/java/") + 6, path.lastIndexOf('/')).replace('/', '.')
                : slug;
        String header = "package " + pkg + ";\n\n";
        if (type.endsWith("Test")) {
            return header + """
                    import static io.restassured.RestAssured.given;
                    import static org.hamcrest.Matchers.equalTo;

                    import io.quarkus.test.junit.QuarkusTest;
                    import org.junit.jupiter.api.Test;

                    @QuarkusTest
                    class %1$s {

                        @Test
                        void createThenRead() {
                            String id = given().contentType("application/json").body("{\\"title\\":\\"first\\"}")
                                    .post("/%2$ss").then().statusCode(201).extract().path("id");
                            given().get("/%2$ss/" + id).then().statusCode(200).body("title", equalTo("first"));
                        }

                        @Test
                        void unknownIdIsNotFound() {
                            given().get("/%2$ss/missing").then().statusCode(404);
                        }
                    }
                    """.formatted(type, slug);
        }
        if (type.endsWith("Resource")) {
            return header + """
                    import jakarta.ws.rs.*;
                    import jakarta.ws.rs.core.Response;
                    import java.util.*;
                    import java.util.concurrent.ConcurrentHashMap;

                    @Path("/%2$ss")
                    public class %1$s {

                        private final Map<String, %3$s> store = new ConcurrentHashMap<>();

                        @GET
                        public Collection<%3$s> list() {
                            return store.values();
                        }

                        @GET
                        @Path("{id}")
                        public %3$s get(@PathParam("id") String id) {
                            %3$s found = store.get(id);
                            if (found == null) {
                                throw new NotFoundException();
                            }
                            return found;
                        }

                        @POST
                        public Response create(%3$s input) {
                            %3$s created = new %3$s(UUID.randomUUID().toString(), input.title(), false);
                            store.put(created.id(), created);
                            return Response.status(201).entity(created).build();
                        }

                        @DELETE
                        @Path("{id}")
                        public void delete(@PathParam("id") String id) {
                            if (store.remove(id) == null) {
                                throw new NotFoundException();
                            }
                        }
                    }
                    """.formatted(type, slug, entity);
        }
        return header + "public record " + type + "(String id, String title, boolean done) {\n}\n";
    }

    private static String openApi(String slug, String entity) {
        return """
                openapi: 3.0.3
                info:
                  title: %2$s API
                  version: 1.0.0
                paths:
                  /%1$ss:
                    get:
                      summary: List %1$s items
                      responses:
                        '200': {description: OK}
                    post:
                      summary: Create a %1$s item
                      responses:
                        '201': {description: Created}
                  /%1$ss/{id}:
                    get:
                      summary: Read one %1$s item
                      responses:
                        '200': {description: OK}
                        '404': {description: Not found}
                    delete:
                      summary: Delete one %1$s item
                      responses:
                        '204': {description: Deleted}
                        '404': {description: Not found}
                components:
                  schemas:
                    %2$s:
                      type: object
                      required: [id, title]
                      properties:
                        id: {type: string}
                        title: {type: string}
                        done: {type: boolean}
                """.formatted(slug, entity);
    }

    private static String html(String slug, String entity) {
        return """
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><title>%2$s</title></head>
                <body>
                  <h1>%2$s</h1>
                  <form id="new"><input name="title" required><button>Add</button></form>
                  <ul id="items"></ul>
                  <script src="%1$s.js"></script>
                </body>
                </html>
                """.formatted(slug, entity);
    }

    private static String script(String slug) {
        return """
                const api = '/%1$ss';

                async function load() {
                  const items = await (await fetch(api)).json();
                  document.getElementById('items').innerHTML =
                    items.map(i => `<li>${i.title}</li>`).join('');
                }

                document.getElementById('new').addEventListener('submit', async e => {
                  e.preventDefault();
                  const title = new FormData(e.target).get('title');
                  await fetch(api, {method: 'POST', headers: {'Content-Type': 'application/json'},
                    body: JSON.stringify({title})});
                  e.target.reset();
                  load();
                });

                load();
                """.formatted(slug);
    }

    private static String markdown(String path, ChatPrompt prompt) {
        String entity = prompt.entity();
        if (path.equals(ScriptedAnswers.README)) {
            String slug = prompt.slug();
            String section = switch (prompt.role()) {
                case "backend" -> "## Running the API\n- `./mvnw quarkus:dev` serves /" + slug + "s on port 8080.\n"
                        + "- The store is in memory; a restart empties it.\n";
                case "frontend" -> "## The page\n- Open web/" + slug + ".html; it calls /" + slug + "s on the same origin.\n"
                        + "- Every change is shown at once; errors appear above the list.\n";
                default -> "## Notes of the " + prompt.role() + "\n- Written by the " + prompt.role() + ".\n";
            };
            return "# " + entity + "\n\n" + section;
        }
        if (path.startsWith("reviews/")) {
            return """
                    # Review: %1$s

                    | severity | finding | where |
                    |---|---|---|
                    | minor | list endpoint is not paged | %1$sResource.list |
                    | minor | title length is not limited | %1$s |

                    No blocking defects. The implementation follows api/openapi.yaml.
                    """.formatted(entity);
        }
        return """
                # %1$s: %2$s

                - The contract is api/openapi.yaml; the backend and the page depend only on it.
                - %1$s items are kept in memory; a database can replace the store without changing the API.
                - Errors are problem details; unknown ids answer 404.
                """.formatted(entity, path.substring(path.lastIndexOf('/') + 1).replace(".md", ""));
    }
}
