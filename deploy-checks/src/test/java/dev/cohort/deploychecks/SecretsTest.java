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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No credential is written into the deployment files; each comes from the environment or a Secret. */
class SecretsTest {

    /** The shape of OpenRouter keys, and of the usual "sk-" API keys. */
    private static final Pattern KEY_LIKE = Pattern.compile("sk-(or-)?[A-Za-z0-9_-]{16,}");
    /** A signed JWT (header and claims are base64url JSON objects), and a PEM private key. */
    private static final Pattern TOKEN_LIKE = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.");
    private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");
    /** A credential inside a value, such as a JAAS configuration's password="..." or PLAIN's user_admin="...". */
    private static final Pattern INLINE_CREDENTIAL = Pattern.compile("(?:password|user_[A-Za-z0-9_-]+)=\"([^\"]*)\"");
    /** Compose: from the environment, required, or with an empty default (an optional key). */
    private static final String FROM_ENVIRONMENT = "\\$\\{[A-Za-z_][A-Za-z0-9_]*(:\\?[^}]*|:-)?}";

    @Test
    void composeTakesCredentialsFromTheEnvironmentOnly() {
        Map<String, Object> services = ComposeTest.services();
        for (String service : services.keySet()) {
            ComposeTest.environment(service).forEach((name, value) -> {
                if (EnvNames.secretLike(name)) {
                    // No default: a missing password stops compose with its name instead of using a known one.
                    assertTrue(value != null && value.matches(FROM_ENVIRONMENT),
                            service + ": " + name + " must come from the environment without a default, is " + value);
                }
                Matcher inline = INLINE_CREDENTIAL.matcher(String.valueOf(value));
                while (inline.find()) {
                    assertTrue(inline.group(1).matches(FROM_ENVIRONMENT) && !inline.group(1).endsWith(":-}"),
                            service + ": " + name + " holds a credential that is not from the environment");
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
                for (Map<String, Object> c : r.allContainers()) {
                    Map<String, String> resolved = KubernetesTest.resolvedEnv(c);
                    for (Map<String, Object> e : KubernetesTest.env(c)) {
                        String name = (String) e.get("name");
                        if (EnvNames.secretLike(name) && Repo.at(e, "valueFrom", "secretKeyRef") == null) {
                            inlined.add(r + " " + name);
                        }
                        // Inside a value (JAAS), a credential is a $(NAME) of a variable read from a Secret.
                        Matcher inline = INLINE_CREDENTIAL.matcher(String.valueOf(resolved.get(name)));
                        while (inline.find()) {
                            if (!inline.group(1).startsWith("secret:")) {
                                inlined.add(r + " " + name);
                            }
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
        List<String> ignored = Repo.read(secrets.resolve(".gitignore")).lines().toList();
        assertTrue(ignored.contains("*.env"), "secrets/*.env could be committed");
        for (Object g : Repo.list(KubernetesTest.kustomization().get("secretGenerator"), "secretGenerator")) {
            for (String from : List.of("envs", "files")) {
                Object sources = Repo.at(g, from);
                for (Object source : sources == null ? List.of() : Repo.list(sources, from)) {
                    String file = String.valueOf(source).substring(String.valueOf(source).indexOf('=') + 1);
                    assertTrue(file.startsWith("secrets/") && ignored.contains("*" + file.substring(file.lastIndexOf('.'))),
                            "the values of Secret " + Repo.at(g, "name") + " (" + file + ") could be committed");
                }
            }
        }
        List<String> compose = Repo.read(Repo.COMPOSE_DIR.resolve(".gitignore")).lines().toList();
        assertTrue(compose.contains(".env") && compose.contains("secrets/"),
                "docker-compose/.env or docker-compose/secrets/ could be committed");
    }

    @Test
    void noKeyTokenOrPrivateKeyAnywhereUnderDeploy() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path dir : List.of(Repo.COMPOSE_DIR, Repo.K8S_DIR)) {
            try (Stream<Path> files = Files.walk(dir)) {
                // What Git ignores there (made by init-secrets.sh or by hand) is not checked.
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !ignoredSecret(f)).toList()) {
                    String text = Files.readString(f);
                    for (Pattern p : List.of(KEY_LIKE, TOKEN_LIKE, PRIVATE_KEY)) {
                        if (p.matcher(text).find()) {
                            found.add(f + " (" + p + ")");
                        }
                    }
                }
            }
        }
        assertTrue(found.isEmpty(), "files holding what looks like an API key, a token or a private key: " + found);
    }

    private static boolean ignoredSecret(Path file) {
        String name = file.getFileName().toString();
        Path relative = Repo.DEPLOY.relativize(file);
        return relative.startsWith("docker-compose/secrets") || relative.equals(Path.of("docker-compose/.env"))
                || relative.startsWith("k8s/secrets") && (name.endsWith(".env") || name.endsWith(".pem"));
    }
}
