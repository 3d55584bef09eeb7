package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No credential is written into the deployment files; each comes from the environment or a Secret. */
class SecretsTest {

    /** The shape of OpenRouter keys, and of the usual "sk-" API keys. */
    private static final Pattern KEY_LIKE = Pattern.compile("sk-(or-)?[A-Za-z0-9_-]{16,}");

    @Test
    void composeTakesCredentialsFromTheEnvironmentOnly() {
        Map<String, Object> services = ComposeTest.services();
        for (String service : services.keySet()) {
            ComposeTest.environment(service).forEach((name, value) -> {
                if (EnvNames.secretLike(name)) {
                    assertTrue(value != null && value.matches("\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?}"),
                            service + ": " + name + " must come from the environment, is " + value);
                }
            });
        }
        // The API key has no default: without it, nothing is sent to OpenRouter.
        String worker = ComposeTest.moduleServices().get(CodeFacts.WORKER_MODULE);
        assertEquals("${OPENROUTER_API_KEY:-}", ComposeTest.environment(worker).get("OPENROUTER_API_KEY"));
        for (String service : services.keySet()) {
            if (!service.equals(worker)) {
                assertFalse(ComposeTest.environment(service).containsKey("OPENROUTER_API_KEY"),
                        service + " gets the OpenRouter key but makes no model calls");
            }
        }
    }

    @Test
    void kubernetesTakesCredentialsFromSecrets() {
        List<String> inlined = new ArrayList<>();
        for (KubernetesTest.Resource r : KubernetesTest.resources()) {
            if (r.kind().equals("Secret")) {
                assertTrue(r.doc().get("data") == null && r.doc().get("stringData") == null,
                        r + ": a Secret with values in the repository");
            }
            if (r.kind().equals("ConfigMap")) {
                Repo.map(r.doc().get("data"), "data").keySet().stream().filter(EnvNames::secretLike)
                        .forEach(k -> inlined.add(r + " " + k));
            }
            if (Repo.at(r.doc(), "spec", "template", "spec", "containers") != null) {
                for (Map<String, Object> c : r.containers()) {
                    for (Map<String, Object> e : KubernetesTest.env(c)) {
                        String name = (String) e.get("name");
                        if (EnvNames.secretLike(name) && Repo.at(e, "valueFrom", "secretKeyRef") == null) {
                            inlined.add(r + " " + name);
                        }
                    }
                }
            }
        }
        assertTrue(inlined.isEmpty(), "credentials not read from a Secret: " + inlined);
    }

    @Test
    void secretExamplesAreEmptyAndTheRealFilesAreIgnored() throws IOException {
        Path secrets = Repo.K8S_DIR.resolve("secrets");
        try (Stream<Path> files = Files.list(secrets)) {
            List<Path> examples = files.filter(f -> f.toString().endsWith(".env.example")).toList();
            assertFalse(examples.isEmpty(), "no secret examples");
            for (Path example : examples) {
                Repo.read(example).lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                        .forEach(l -> assertTrue(l.endsWith("="), example + ": a value in a committed file: " + l));
            }
        }
        assertTrue(Repo.read(secrets.resolve(".gitignore")).lines().anyMatch("*.env"::equals),
                "secrets/*.env could be committed");
    }

    @Test
    void noApiKeyAnywhereUnderDeploy() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path dir : List.of(Repo.COMPOSE_DIR, Repo.K8S_DIR)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    if (KEY_LIKE.matcher(Files.readString(f)).find()) {
                        found.add(f.toString());
                    }
                }
            }
        }
        assertTrue(found.isEmpty(), "files holding what looks like an API key: " + found);
    }
}
