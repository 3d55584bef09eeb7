package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every service that verifies tokens gets the key to verify them with; the workers and the orchestrator get their
 * service tokens, and only they, from a Secret or the environment; KEDA shows a token to read the workload.
 */
class TokensTest {

    static final String ORCHESTRATOR_MODULE = "orchestrator-service";
    static final String KEY_LOCATION = "MP_JWT_VERIFY_PUBLICKEY_LOCATION";
    static final String WORKER_TOKEN = "COHORT_WORKER_TOKEN";
    static final String ORCHESTRATOR_TOKEN = "COHORT_ORCHESTRATOR_TOKEN";
    /** The service token each module shows others, and the key of Secret cohort-service-tokens that holds it. */
    static final Map<String, String> TOKENS = Map.of(CodeFacts.WORKER_MODULE, WORKER_TOKEN, ORCHESTRATOR_MODULE,
            ORCHESTRATOR_TOKEN);
    static final Map<String, String> TOKEN_KEYS = Map.of(WORKER_TOKEN, "worker-token", ORCHESTRATOR_TOKEN,
            "orchestrator-token");

    @Test
    void composeGivesEveryVerifyingServiceTheKeyFile() {
        ComposeTest.moduleServices().forEach((module, name) -> {
            Map<String, String> env = ComposeTest.environment(name);
            if (!Repo.app(module).verifiesTokens()) {
                assertFalse(env.keySet().stream().anyMatch(EnvNames.JWT::contains), name + " verifies no tokens");
                return;
            }
            assertEquals("${" + KEY_LOCATION + ":-file:/etc/cohort/jwt/public.pem}", env.get(KEY_LOCATION), name);
            assertNotNull(env.get("MP_JWT_VERIFY_ISSUER"), name + ": no issuer");
            assertNotNull(env.get("MP_JWT_VERIFY_AUDIENCES"), name + ": no audience");
            String file = ComposeTest.withDefaults(env.get(KEY_LOCATION)).substring("file:".length());
            List<String> volumes = Repo.list(ComposeTest.service(name).get("volumes"), name + " volumes").stream()
                    .map(String::valueOf).toList();
            assertTrue(volumes.stream().anyMatch(v -> v.matches("\\$\\{COHORT_JWT_PUBLIC_KEY:\\?[^}]*}:" + file + ":ro")),
                    name + ": the public key is not mounted read-only at " + file + " from COHORT_JWT_PUBLIC_KEY");
        });
    }

    @Test
    void kubernetesGivesEveryVerifyingServiceTheKeyFromItsSecret() {
        Map<String, String> config = KubernetesTest.config();
        Set<String> keyFiles = KubernetesTest.generatedSecrets().get("cohort-jwt-public-key");
        assertNotNull(keyFiles, "no Secret cohort-jwt-public-key");
        for (Map.Entry<String, KubernetesTest.Resource> d : KubernetesTest.deploymentsByModule()) {
            KubernetesTest.Resource deployment = d.getValue();
            Map<String, Object> container = deployment.containers().get(0);
            Map<String, String> env = KubernetesTest.resolvedEnv(container);
            if (!Repo.app(d.getKey()).verifiesTokens()) {
                assertFalse(env.keySet().stream().anyMatch(EnvNames.JWT::contains), deployment + " verifies no tokens");
                continue;
            }
            assertEquals(config.get("jwt-publickey-location"), env.get(KEY_LOCATION), deployment.toString());
            assertEquals(config.get("jwt-issuer"), env.get("MP_JWT_VERIFY_ISSUER"), deployment.toString());
            assertEquals(config.get("jwt-audiences"), env.get("MP_JWT_VERIFY_AUDIENCES"), deployment.toString());
            Path file = Path.of(env.get(KEY_LOCATION).substring("file:".length()));
            Object mounts = container.get("volumeMounts");
            Map<String, Object> mount = (mounts == null ? List.of() : Repo.list(mounts, "volumeMounts")).stream()
                    .map(m -> Repo.map(m, "volumeMount"))
                    .filter(m -> file.getParent().toString().equals(m.get("mountPath"))).findFirst()
                    .orElseThrow(() -> new AssertionError(deployment + ": nothing mounted at " + file.getParent()));
            assertEquals(Boolean.TRUE, mount.get("readOnly"), deployment + ": the key's mount must be read-only");
            Object volume = Repo.list(deployment.podSpec().get("volumes"), deployment + " volumes").stream()
                    .filter(v -> mount.get("name").equals(Repo.at(v, "name"))).findFirst().orElseThrow();
            assertEquals("cohort-jwt-public-key", Repo.at(volume, "secret", "secretName"), deployment.toString());
            assertTrue(keyFiles.contains(file.getFileName().toString()),
                    "Secret cohort-jwt-public-key has no " + file.getFileName());
        }
        assertTrue(config.get("jwt-publickey-location").startsWith("file:"),
                "the default deployment verifies with the mounted key; an IdP's JWKS URL is a choice (docs)");
    }

    @Test
    void serviceTokensComeFromTheEnvironmentOrSecretsToTheirServiceOnly() {
        ComposeTest.moduleServices().forEach((module, name) -> {
            Map<String, String> env = ComposeTest.environment(name);
            for (String token : TOKEN_KEYS.keySet()) {
                if (token.equals(TOKENS.get(module))) {
                    assertTrue(String.valueOf(env.get(token)).matches("\\$\\{" + token + ":\\?[^}]+}"),
                            name + ": " + token + " must be required from the environment, is " + env.get(token));
                } else {
                    assertNull(env.get(token), name + " gets " + token);
                }
            }
        });
        // Replicas share one token and are each named <token principal>/<host>: a fixed name would be shared too.
        String worker = ComposeTest.moduleServices().get(CodeFacts.WORKER_MODULE);
        assertNull(ComposeTest.environment(worker).get("COHORT_WORKER_NAME"), "compose names every replica alike");

        assertEquals(Set.copyOf(TOKEN_KEYS.values()), KubernetesTest.generatedSecrets().get("cohort-service-tokens"));
        for (Map.Entry<String, KubernetesTest.Resource> d : KubernetesTest.deploymentsByModule()) {
            Map<String, String> env = KubernetesTest.resolvedEnv(d.getValue().containers().get(0));
            for (String token : TOKEN_KEYS.keySet()) {
                if (token.equals(TOKENS.get(d.getKey()))) {
                    assertEquals("secret:cohort-service-tokens/" + TOKEN_KEYS.get(token), env.get(token),
                            d.getValue() + ": " + token);
                } else {
                    assertNull(env.get(token), d.getValue() + " gets " + token);
                }
            }
            if (d.getKey().equals(CodeFacts.WORKER_MODULE)) {
                assertNull(env.get("COHORT_WORKER_NAME"), d.getValue() + " names every replica alike");
                assertEquals("secret:cohort-openrouter/api-key", env.get("OPENROUTER_API_KEY"), d.getValue().toString());
            } else {
                assertNull(env.get("OPENROUTER_API_KEY"), d.getValue() + " gets the OpenRouter key");
            }
        }
    }

    @Test
    void kedaShowsATokenWhenItReadsTheWorkload() {
        Map<String, String> secretOf = new java.util.HashMap<>();
        for (KubernetesTest.Resource auth : KubernetesTest.ofKind("TriggerAuthentication")) {
            for (Object ref : Repo.list(Repo.at(auth.doc(), "spec", "secretTargetRef"), auth + " secretTargetRef")) {
                assertEquals("token", Repo.at(ref, "parameter"), auth + ": the bearer token parameter");
                String secret = (String) Repo.at(ref, "name");
                assertTrue(KubernetesTest.generatedSecrets().getOrDefault(secret, Set.of()).contains(Repo.at(ref, "key")),
                        auth + ": Secret " + secret + " has no key " + Repo.at(ref, "key"));
                assertTrue(KubernetesTest.nameSuffixHashDisabled(secret),
                        "KEDA reads Secret " + secret + " by name: it needs disableNameSuffixHash");
                secretOf.put(auth.name(), secret);
            }
        }
        for (KubernetesTest.Resource so : KubernetesTest.ofKind("ScaledObject")) {
            for (Object t : Repo.list(Repo.at(so.doc(), "spec", "triggers"), so + " triggers")) {
                assertEquals("bearer", Repo.at(t, "metadata", "authMode"), so + ": the workload endpoint needs a token");
                assertTrue(secretOf.containsKey(String.valueOf(Repo.at(t, "authenticationRef", "name"))),
                        so + ": no TriggerAuthentication " + Repo.at(t, "authenticationRef", "name"));
            }
        }
    }
}
