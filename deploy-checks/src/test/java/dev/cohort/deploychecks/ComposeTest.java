package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cohort.contracts.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** deploy/docker-compose/docker-compose.yml names the images, ports, variables and databases the code has. */
class ComposeTest {

    static final Path FILE = Repo.COMPOSE_DIR.resolve("docker-compose.yml");
    private static final Pattern IMAGE = Pattern.compile("cohort/([a-z0-9-]+):\\$\\{COHORT_TAG:-([^}]+)}");
    private static final Pattern DEFAULTED = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)}");
    private static final Pattern ADDRESS = Pattern.compile("(?:[a-z:]+://)?([a-z][a-z0-9-]*):(\\d+)(/[^\\s,]*)?");

    static Map<String, Object> services() {
        List<Map<String, Object>> docs = Repo.documents(FILE);
        assertEquals(1, docs.size(), FILE + ": one document expected");
        return Repo.map(docs.get(0).get("services"), "services");
    }

    static Map<String, Object> service(String name) {
        return Repo.map(services().get(name), "service " + name);
    }

    /** Compose services that run a Cohort image, by module. */
    static Map<String, String> moduleServices() {
        Map<String, String> byModule = new LinkedHashMap<>();
        services().forEach((name, s) -> {
            Object image = Repo.at(s, "image");
            if (image instanceof String i && i.startsWith("cohort/")) {
                Matcher m = IMAGE.matcher(i);
                assertTrue(m.matches(), name + ": image " + i + " is not cohort/<module>:${COHORT_TAG:-<version>}");
                assertNull(byModule.put(m.group(1), name), "two compose services build " + m.group(1));
            }
        });
        return byModule;
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> environment(String service) {
        Object env = Repo.at(service(service), "environment");
        Map<String, String> out = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (env != null) {
            fail(service + ": write environment as a mapping, so the checks can read it");
        }
        return out;
    }

    /** The value compose uses when the variable is not set: ${X:-default} becomes default. */
    static String withDefaults(String value) {
        return value == null ? null : DEFAULTED.matcher(value).replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
    }

    @Test
    void everyServiceImageIsBuiltFromItsModuleDockerfile() {
        Map<String, String> byModule = moduleServices();
        assertEquals(Repo.apps().keySet(), byModule.keySet(), "every Quarkus service, and only they, in compose");
        for (Map.Entry<String, String> e : byModule.entrySet()) {
            Map<String, Object> s = service(e.getValue());
            Matcher m = IMAGE.matcher((String) s.get("image"));
            assertTrue(m.matches());
            assertEquals(Repo.projectVersion(), m.group(2), e.getValue() + ": the default tag is the project version");
            Object context = Repo.at(s, "build", "context");
            assertNotNull(context, e.getValue() + ": no build.context");
            assertEquals(Repo.ROOT.resolve(e.getKey()), Repo.COMPOSE_DIR.resolve((String) context).normalize(),
                    e.getValue() + ": build.context is not the module folder");
            assertEquals(Repo.DOCKERFILE, Repo.at(s, "build", "dockerfile"), e.getValue() + ": build.dockerfile");
            assertTrue(Files.exists(Repo.ROOT.resolve(e.getKey()).resolve(Repo.DOCKERFILE)));
        }
    }

    @Test
    void publishedPortsAndHealthChecksUseTheServicePort() {
        moduleServices().forEach((module, name) -> {
            int port = Repo.app(module).port();
            Object ports = service(name).get("ports");
            if (ports != null) {
                for (Object p : Repo.list(ports, name + ".ports")) {
                    String container = String.valueOf(p).substring(String.valueOf(p).lastIndexOf(':') + 1);
                    assertEquals(String.valueOf(port), container, name + ": publishes a port the service does not use");
                }
            }
            String test = String.join(" ", Repo.list(Repo.at(service(name), "healthcheck", "test"), name + " healthcheck")
                    .stream().map(String::valueOf).toList());
            assertTrue(test.contains("/dev/tcp/127.0.0.1/" + port + " "), name + ": health check on another port: " + test);
            assertTrue(test.contains("/q/health/ready"), name + ": health check is not readiness: " + test);
        });
    }

    @Test
    void everyPublishedPortIsOnTheBindAddress() {
        services().forEach((name, s) -> {
            Object ports = Repo.at(s, "ports");
            for (Object p : ports == null ? List.of() : Repo.list(ports, name + ".ports")) {
                // 127.0.0.1 unless COHORT_BIND_ADDRESS says otherwise: nothing is reachable from the network by default.
                assertTrue(String.valueOf(p).matches("\\$\\{COHORT_BIND_ADDRESS:-127\\.0\\.0\\.1}:\\d+:\\d+"),
                        name + " publishes " + p + " on every address");
            }
        });
    }

    @Test
    void workersScaleWithScale() {
        Map<String, Object> worker = service(moduleServices().get("agent-worker-service"));
        // A fixed container name or a published host port makes a second replica fail to start.
        assertNull(worker.get("container_name"), "the worker must not have a container_name");
        assertNull(worker.get("ports"), "the worker must not publish ports");
    }

    @Test
    void environmentVariablesAreSettingsOfTheService() {
        moduleServices().forEach((module, name) -> {
            List<String> unknown = EnvNames.unknown(Repo.app(module), environment(name).keySet(), Set.of());
            assertTrue(unknown.isEmpty(), name + " (" + module + ") would ignore " + unknown);
        });
    }

    @Test
    void addressesPointAtServicesOnTheirPorts() {
        Map<String, Set<String>> listening = new LinkedHashMap<>();
        moduleServices().forEach((module, name) ->
                listening.put(name, Set.of(String.valueOf(Repo.app(module).port()))));
        // The broker's advertised listener is what clients connect to.
        Set<String> kafkaPorts = new TreeSet<>();
        Matcher advertised = ADDRESS.matcher(environment("kafka").get("KAFKA_ADVERTISED_LISTENERS"));
        while (advertised.find()) {
            assertEquals("kafka", advertised.group(1), "Kafka advertises a host other than its service name");
            kafkaPorts.add(advertised.group(2));
        }
        listening.put("kafka", kafkaPorts);
        // The postgres image's fixed port; Ollama's API port, which its service publishes.
        listening.put("postgres", Set.of("5432"));
        listening.put("ollama", Set.of("11434"));

        List<String> wrong = new ArrayList<>();
        moduleServices().values().forEach(name -> environment(name).forEach((key, raw) -> {
            String value = withDefaults(raw);
            if (value == null || !(value.contains("://") || key.contains("BOOTSTRAP"))) {
                return;
            }
            Matcher m = ADDRESS.matcher(value);
            while (m.find()) {
                Set<String> ports = listening.get(m.group(1));
                if (ports == null || !ports.contains(m.group(2))) {
                    wrong.add(name + " " + key + "=" + value);
                }
            }
        }));
        assertTrue(wrong.isEmpty(), "addresses that no compose service answers: " + wrong);
    }

    @Test
    void databasesMatchTheServicesAndTheInitScript() {
        Path sql = Repo.K8S_DIR.resolve("scripts/create-databases.sql");
        String mounted = Repo.list(service("postgres").get("volumes"), "postgres volumes").stream().map(String::valueOf)
                .filter(v -> v.contains("/docker-entrypoint-initdb.d/")).findFirst().orElseThrow(
                        () -> new AssertionError("postgres mounts no init script"));
        assertEquals(sql, Repo.COMPOSE_DIR.resolve(mounted.substring(0, mounted.indexOf(':'))).normalize());
        assertEquals(CodeFacts.databases(), CodeFacts.createdDatabases(sql), "databases the init script creates");

        moduleServices().forEach((module, name) -> {
            String db = Repo.app(module).database();
            Map<String, String> env = environment(name);
            if (db == null) {
                assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("QUARKUS_DATASOURCE")), name);
                return;
            }
            assertEquals("postgresql://postgres:5432/" + db, env.get("QUARKUS_DATASOURCE_REACTIVE_URL"), name);
            assertEquals("jdbc:postgresql://postgres:5432/" + db, env.get("QUARKUS_DATASOURCE_JDBC_URL"), name);
            assertEquals(environment("postgres").get("POSTGRES_USER"), env.get("QUARKUS_DATASOURCE_USERNAME"), name);
            assertEquals(environment("postgres").get("POSTGRES_PASSWORD"), env.get("QUARKUS_DATASOURCE_PASSWORD"),
                    name + ": the same password variable as the database");
        });
    }

    @Test
    void kafkaSetupRunsTheSharedScriptBeforeTheServices() {
        Map<String, Object> setup = service("kafka-setup");
        for (String name : List.of("kafka-format", "kafka", "kafka-setup")) {
            // The scripts source each other, so the folder is mounted whole, as on Kubernetes.
            assertTrue(Repo.list(service(name).get("volumes"), name + " volumes").stream().map(String::valueOf)
                    .anyMatch(v -> v.endsWith(":/cohort:ro") && Repo.K8S_DIR.resolve("scripts").equals(
                            Repo.COMPOSE_DIR.resolve(v.substring(0, v.indexOf(':'))).normalize())),
                    name + " does not mount ../k8s/scripts at /cohort");
        }
        assertEquals(List.of("/bin/bash", "/cohort/kafka-setup.sh"), setup.get("entrypoint"));
        assertEquals(Repo.at(service("kafka"), "image"), setup.get("image"), "the script needs the broker's tools");
        assertEquals(Repo.at(service("kafka"), "image"), Repo.at(service("kafka-format"), "image"));
        moduleServices().forEach((module, name) -> {
            if (!module.equals("model-simulator")) {
                assertEquals("service_completed_successfully",
                        Repo.at(service(name), "depends_on", "kafka-setup", "condition"),
                        name + " must start after Kafka is set up");
            }
        });
    }

    @Test
    void dependenciesExistAndTheirConditionsCanBeMet() {
        Map<String, Object> services = services();
        services.forEach((name, s) -> {
            Object deps = Repo.at(s, "depends_on");
            if (deps == null) {
                return;
            }
            Repo.map(deps, name + ".depends_on").forEach((dep, spec) -> {
                assertTrue(services.containsKey(dep), name + " depends on unknown service " + dep);
                Object condition = Repo.at(spec, "condition");
                if ("service_healthy".equals(condition)) {
                    assertNotNull(Repo.at(services.get(dep), "healthcheck"), name + " waits for " + dep
                            + " to be healthy, but it has no health check");
                } else if ("service_completed_successfully".equals(condition)) {
                    assertEquals("no", Repo.at(services.get(dep), "restart"), dep + " must be a one-shot");
                }
                // A dependency on a service behind a profile is only valid when optional.
                if (Repo.at(services.get(dep), "profiles") != null) {
                    assertEquals(Boolean.FALSE, Repo.at(spec, "required"), name + " requires profiled " + dep);
                }
            });
        });
    }

    @Test
    void workerDefaultsServeEveryRoleAndOllamaIsAProfile() {
        String roles = withDefaults(environment(moduleServices().get("agent-worker-service")).get("COHORT_WORKER_ROLES"));
        assertEquals(Arrays.stream(Role.values()).map(Role::id).collect(Collectors.toList()), List.of(roles.split(",")),
                "one worker replica serves every role by default");
        assertEquals(List.of("ollama"), Repo.at(service("ollama"), "profiles"));
    }
}
