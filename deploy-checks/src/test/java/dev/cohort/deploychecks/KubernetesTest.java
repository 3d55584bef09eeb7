package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** deploy/k8s: the kustomization's resources agree with each other and with the code. */
class KubernetesTest {

    private static final Pattern IMAGE = Pattern.compile("cohort/([a-z0-9-]+):(.+)");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    private static final Pattern URL = Pattern.compile("(?:[a-z]+://)?([a-z][a-z0-9-]*):(\\d+)");
    private static final Set<String> HEALTH = Set.of("/q/health/live", "/q/health/ready", "/q/health/started");

    /** A Kubernetes document and the file it came from. */
    record Resource(Path file, Map<String, Object> doc) {
        String kind() {
            return (String) doc.get("kind");
        }

        String name() {
            return (String) Repo.at(doc, "metadata", "name");
        }

        @Override
        public String toString() {
            return kind() + "/" + name() + " (" + Repo.K8S_DIR.relativize(file) + ")";
        }

        Map<String, Object> podSpec() {
            return Repo.map(Repo.at(doc, "spec", "template", "spec"), this + " pod spec");
        }

        List<Map<String, Object>> containers() {
            return Repo.list(podSpec().get("containers"), this + " containers").stream()
                    .map(c -> Repo.map(c, this + " container")).toList();
        }

        /** The init containers, then the containers. */
        List<Map<String, Object>> allContainers() {
            List<Map<String, Object>> all = new ArrayList<>();
            Object init = podSpec().get("initContainers");
            if (init != null) {
                Repo.list(init, this + " initContainers").forEach(c -> all.add(Repo.map(c, this + " init container")));
            }
            all.addAll(containers());
            return all;
        }

        /** The labels of the pods this workload makes. */
        Map<String, Object> podLabels() {
            return Repo.map(Repo.at(doc, "spec", "template", "metadata", "labels"), this + " pod labels");
        }
    }

    static Map<String, Object> kustomization() {
        return Repo.documents(Repo.K8S_DIR.resolve("kustomization.yaml")).get(0);
    }

    static List<Resource> resources() {
        List<Resource> all = new ArrayList<>();
        for (Object r : Repo.list(kustomization().get("resources"), "resources")) {
            Path file = Repo.K8S_DIR.resolve((String) r);
            Repo.documents(file).forEach(d -> all.add(new Resource(file, d)));
        }
        return all;
    }

    static List<Resource> ofKind(String... kinds) {
        Set<String> wanted = Set.of(kinds);
        return resources().stream().filter(r -> wanted.contains(r.kind())).toList();
    }

    static Map<String, String> config() {
        List<Resource> maps = ofKind("ConfigMap");
        assertEquals(1, maps.size(), "one shared ConfigMap expected");
        Map<String, String> data = new LinkedHashMap<>();
        Repo.map(maps.get(0).doc().get("data"), "ConfigMap data").forEach((k, v) -> data.put(k, String.valueOf(v)));
        return data;
    }

    /** Secret names the kustomization generates, with the keys of each (from its committed example). */
    static Map<String, Set<String>> generatedSecrets() {
        Map<String, Set<String>> secrets = new LinkedHashMap<>();
        for (Object g : Repo.list(kustomization().get("secretGenerator"), "secretGenerator")) {
            Set<String> keys = new TreeSet<>();
            Object envs = Repo.at(g, "envs");
            for (Object env : envs == null ? List.of() : Repo.list(envs, "secretGenerator envs")) {
                Repo.read(Repo.K8S_DIR.resolve(env + ".example")).lines()
                        .filter(l -> !l.isBlank() && !l.startsWith("#"))
                        .forEach(l -> keys.add(l.substring(0, l.indexOf('='))));
            }
            Object files = Repo.at(g, "files");
            for (Object file : files == null ? List.of() : Repo.list(files, "secretGenerator files")) {
                String f = String.valueOf(file);
                keys.add(f.contains("=") ? f.substring(0, f.indexOf('=')) : Path.of(f).getFileName().toString());
            }
            secrets.put((String) Repo.at(g, "name"), keys);
        }
        return secrets;
    }

    /** Whether the kustomization generates Secret {@code name} without a hash suffix, so others can find it by name. */
    static boolean nameSuffixHashDisabled(String name) {
        return Repo.list(kustomization().get("secretGenerator"), "secretGenerator").stream()
                .anyMatch(g -> name.equals(Repo.at(g, "name"))
                        && Boolean.TRUE.equals(Repo.at(g, "options", "disableNameSuffixHash")));
    }

    /** The module a container's image is built from, or null for a third-party image. */
    static String module(Map<String, Object> container) {
        Matcher m = IMAGE.matcher(String.valueOf(container.get("image")));
        return m.matches() ? m.group(1) : null;
    }

    static List<Map<String, Object>> env(Map<String, Object> container) {
        Object env = container.get("env");
        return env == null ? List.of() : Repo.list(env, "env").stream().map(e -> Repo.map(e, "env entry")).toList();
    }

    /**
     * A container's variables as the pod sees them: ConfigMap values read and {@code $(NAME)} expanded; a Secret's
     * value stands as {@code secret:<name>/<key>}.
     */
    static Map<String, String> resolvedEnv(Map<String, Object> container) {
        Map<String, String> config = config();
        Map<String, String> resolved = new LinkedHashMap<>();
        for (Map<String, Object> e : env(container)) {
            String value;
            if (e.get("value") != null) {
                Matcher ref = REFERENCE.matcher(String.valueOf(e.get("value")));
                value = ref.replaceAll(r -> Matcher.quoteReplacement(resolved.getOrDefault(r.group(1), r.group())));
            } else if (Repo.at(e, "valueFrom", "configMapKeyRef") != null) {
                value = config.get(String.valueOf(Repo.at(e, "valueFrom", "configMapKeyRef", "key")));
            } else {
                value = "secret:" + Repo.at(e, "valueFrom", "secretKeyRef", "name") + "/"
                        + Repo.at(e, "valueFrom", "secretKeyRef", "key");
            }
            resolved.put((String) e.get("name"), value);
        }
        return resolved;
    }

    /** The first container of each Deployment, by the module its image is built from (several per worker module). */
    static List<Map.Entry<String, Resource>> deploymentsByModule() {
        List<Map.Entry<String, Resource>> byModule = new ArrayList<>();
        for (Resource d : ofKind("Deployment")) {
            byModule.add(Map.entry(module(d.containers().get(0)), d));
        }
        return byModule;
    }

    static Set<String> workerRoles(Resource deployment) {
        Map<String, Object> container = deployment.containers().get(0);
        return env(container).stream().filter(e -> "COHORT_WORKER_ROLES".equals(e.get("name")))
                .map(e -> String.valueOf(e.get("value"))).findFirst()
                .map(v -> new LinkedHashSet<>(List.of(v.split(","))))
                .orElseThrow(() -> new AssertionError(deployment + " does not set COHORT_WORKER_ROLES"));
    }

    static List<Resource> workerDeployments() {
        return ofKind("Deployment").stream()
                .filter(d -> CodeFacts.WORKER_MODULE.equals(module(d.containers().get(0)))).toList();
    }

    @Test
    void kustomizationListsEveryManifestAndEveryFileExists() throws Exception {
        Set<Path> listed = new HashSet<>();
        for (Object r : Repo.list(kustomization().get("resources"), "resources")) {
            Path file = Repo.K8S_DIR.resolve((String) r);
            assertTrue(Files.exists(file), "kustomization.yaml lists a missing " + r);
            listed.add(file);
        }
        for (Path file : Repo.yamlFiles(Repo.K8S_DIR)) {
            if (!file.getFileName().toString().equals("kustomization.yaml")) {
                assertTrue(listed.contains(file), file + " is not in kustomization.yaml, so it is never applied");
            }
        }
        for (Object g : Repo.list(kustomization().get("configMapGenerator"), "configMapGenerator")) {
            for (Object f : Repo.list(Repo.at(g, "files"), "configMapGenerator files")) {
                assertTrue(Files.exists(Repo.K8S_DIR.resolve((String) f)), "configMapGenerator reads a missing " + f);
            }
        }
        // The real env files are not committed; their examples are, and document the keys.
        generatedSecrets().forEach((name, keys) -> assertFalse(keys.isEmpty(), name + " has no keys in its example"));
        assertEquals("cohort", kustomization().get("namespace"));
    }

    @Test
    void everyServiceModuleRunsFromItsImageOnItsPort() {
        Set<String> deployed = new TreeSet<>();
        for (Resource d : ofKind("Deployment")) {
            for (Map<String, Object> c : d.containers()) {
                String module = module(c);
                assertNotNull(module, d + " runs a non-Cohort image " + c.get("image"));
                Matcher m = IMAGE.matcher(String.valueOf(c.get("image")));
                assertTrue(m.matches());
                assertEquals(Repo.projectVersion(), m.group(2), d + ": image tag is not the project version");
                List<Object> ports = Repo.list(c.get("ports"), d + " ports");
                assertEquals(1, ports.size(), d + ": one port expected");
                assertEquals("http", Repo.at(ports.get(0), "name"), d + ": the port is named http for probes and Services");
                assertEquals(Repo.app(module).port(), Repo.at(ports.get(0), "containerPort"),
                        d + ": containerPort is not quarkus.http.port of " + module);
                deployed.add(module);
            }
        }
        assertEquals(Repo.apps().keySet(), deployed, "every Quarkus service has a Deployment");
        // The images the kustomization retags are the ones the Deployments use.
        Set<String> images = new TreeSet<>();
        for (Object i : Repo.list(kustomization().get("images"), "images")) {
            assertEquals(Repo.projectVersion(), String.valueOf(Repo.at(i, "newTag")), i + ": tag");
            images.add(String.valueOf(Repo.at(i, "name")));
        }
        assertEquals(deployed.stream().map(m -> "cohort/" + m).collect(Collectors.toCollection(TreeSet::new)), images);
    }

    @Test
    void everyWorkloadHasProbesResourcesAndRunsAsNonRoot() {
        for (Resource w : ofKind("Deployment", "StatefulSet", "Job")) {
            assertEquals(Boolean.TRUE, Repo.at(w.podSpec(), "securityContext", "runAsNonRoot"), w + ": may run as root");
            // Service links put KAFKA_PORT=tcp://... etc. into the environment: the Kafka image turns every KAFKA_*
            // variable into a broker setting, and to the services they look like configuration.
            assertEquals(Boolean.FALSE, w.podSpec().get("enableServiceLinks"), w + ": enableServiceLinks must be false");
            for (Map<String, Object> c : w.allContainers()) {
                assertNotNull(Repo.at(c, "resources", "requests", "cpu"), w + ": no cpu request");
                assertNotNull(Repo.at(c, "resources", "requests", "memory"), w + ": no memory request");
                assertNotNull(Repo.at(c, "resources", "limits", "memory"), w + ": no memory limit");
                assertEquals(Boolean.FALSE, Repo.at(c, "securityContext", "allowPrivilegeEscalation"), w.toString());
                if (w.kind().equals("Job") || !w.containers().contains(c)) {
                    continue;
                }
                assertNotNull(c.get("livenessProbe"), w + ": no liveness probe");
                assertNotNull(c.get("readinessProbe"), w + ": no readiness probe");
                if (module(c) != null) {
                    // A Cohort service: its probes are the Quarkus health endpoints on its http port.
                    assertEquals("/q/health/live", Repo.at(c, "livenessProbe", "httpGet", "path"), w + " liveness");
                    assertEquals("/q/health/ready", Repo.at(c, "readinessProbe", "httpGet", "path"), w + " readiness");
                    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                        Object path = Repo.at(c, probe, "httpGet", "path");
                        if (c.get(probe) != null) {
                            assertTrue(HEALTH.contains(path), w + ": " + probe + " on " + path);
                            assertEquals("http", Repo.at(c, probe, "httpGet", "port"), w + ": " + probe + " port");
                        }
                    }
                }
            }
        }
    }

    @Test
    void environmentVariablesAreSettingsOfTheServiceAndReferencesResolve() {
        Map<String, String> config = config();
        Map<String, Set<String>> secrets = generatedSecrets();
        for (Resource w : ofKind("Deployment", "StatefulSet", "Job")) {
            for (Map<String, Object> c : w.allContainers()) {
                List<String> names = new ArrayList<>();
                Set<String> referenced = new HashSet<>();
                for (Map<String, Object> e : env(c)) {
                    String name = (String) e.get("name");
                    Object value = e.get("value");
                    if (value != null) {
                        Matcher ref = REFERENCE.matcher(String.valueOf(value));
                        while (ref.find()) {
                            // Kubernetes expands $(NAME) only from variables defined earlier in the list.
                            assertTrue(names.contains(ref.group(1)), w + ": " + name + " uses $(" + ref.group(1)
                                    + ") before it is defined");
                            referenced.add(ref.group(1));
                        }
                    }
                    Object cmName = Repo.at(e, "valueFrom", "configMapKeyRef", "name");
                    if (cmName != null) {
                        assertEquals("cohort-config", cmName, w + ": " + name);
                        assertTrue(config.containsKey(Repo.at(e, "valueFrom", "configMapKeyRef", "key")),
                                w + ": " + name + " reads a key cohort-config does not have");
                    }
                    Object secret = Repo.at(e, "valueFrom", "secretKeyRef", "name");
                    if (secret != null) {
                        assertTrue(secrets.containsKey(secret), w + ": " + name + " reads unknown secret " + secret);
                        assertTrue(secrets.get(secret).contains(Repo.at(e, "valueFrom", "secretKeyRef", "key")),
                                w + ": " + name + " reads a key " + secret + " does not have");
                    }
                    names.add(name);
                }
                String module = module(c);
                if (module != null) {
                    List<String> unknown = EnvNames.unknown(Repo.app(module), names, referenced);
                    assertTrue(unknown.isEmpty(), w + " (" + module + ") would ignore " + unknown);
                }
            }
        }
    }

    @Test
    void servicesSelectWorkloadsAndAddressesMatchServicePorts() {
        Map<String, Integer> servicePorts = new LinkedHashMap<>();
        List<Resource> workloads = ofKind("Deployment", "StatefulSet");
        for (Resource s : ofKind("Service")) {
            Map<String, Object> selector = Repo.map(Repo.at(s.doc(), "spec", "selector"), s + " selector");
            List<Resource> selected = workloads.stream().filter(w -> Repo.map(
                    Repo.at(w.doc(), "spec", "template", "metadata", "labels"), w + " labels").entrySet()
                    .containsAll(selector.entrySet())).toList();
            assertFalse(selected.isEmpty(), s + " selects no pods");
            for (Object p : Repo.list(Repo.at(s.doc(), "spec", "ports"), s + " ports")) {
                Object target = Repo.at(p, "targetPort");
                for (Resource w : selected) {
                    boolean found = w.containers().stream().flatMap(c -> Repo.list(c.get("ports"), w + " ports").stream())
                            .anyMatch(cp -> target.equals(Repo.at(cp, "name")) && Repo.at(p, "port")
                                    .equals(Repo.at(cp, "containerPort")));
                    assertTrue(found, s + ": targetPort " + target + " is not a port " + w
                            + " declares with the Service's port number");
                }
                servicePorts.putIfAbsent(s.name(), (Integer) Repo.at(p, "port"));
            }
        }
        // Each address in the shared settings reaches a Service on the port it serves.
        Map<String, String> config = config();
        config.forEach((key, value) -> {
            if (key.endsWith("-url") || key.endsWith("-servers")) {
                Matcher m = URL.matcher(value);
                assertTrue(m.find(), key + ": no host:port in " + value);
                if (key.equals("ollama-url")) {
                    return; // An Ollama outside these manifests (README.md).
                }
                assertEquals(servicePorts.get(m.group(1)), Integer.valueOf(m.group(2)), key + "=" + value);
            }
        });
        assertTrue(servicePorts.containsKey(config.get("postgres-host")), "postgres-host is not a Service");
        assertEquals(Integer.valueOf(config.get("postgres-port")), servicePorts.get(config.get("postgres-host")));
    }

    @Test
    void databaseUrlsNameEachServicesDatabase() {
        for (Resource d : ofKind("Deployment")) {
            Map<String, Object> c = d.containers().get(0);
            String db = Repo.app(module(c)).database();
            Map<String, Object> byName = env(c).stream().collect(Collectors.toMap(e -> (String) e.get("name"),
                    e -> String.valueOf(e.get("value"))));
            if (db == null) {
                assertFalse(byName.keySet().stream().anyMatch(k -> k.startsWith("QUARKUS_DATASOURCE")), d.toString());
                continue;
            }
            assertEquals("postgresql://$(POSTGRES_HOST):$(POSTGRES_PORT)/" + db, byName.get("QUARKUS_DATASOURCE_REACTIVE_URL"));
            assertEquals("jdbc:postgresql://$(POSTGRES_HOST):$(POSTGRES_PORT)/" + db, byName.get("QUARKUS_DATASOURCE_JDBC_URL"));
        }
        assertEquals(CodeFacts.databases(), CodeFacts.createdDatabases(Repo.K8S_DIR.resolve("scripts/create-databases.sql")));
    }

    @Test
    void workerGroupsServeEveryRoleExactlyOnce() {
        List<Resource> workers = workerDeployments();
        assertTrue(workers.size() > 1, "workers should be split into role groups");
        List<String> served = new ArrayList<>();
        for (Resource w : workers) {
            Set<String> roles = workerRoles(w);
            assertTrue(CodeFacts.roles().containsAll(roles), w + " serves unknown roles " + roles);
            served.addAll(roles);
        }
        assertEquals(new TreeSet<>(CodeFacts.roles()), new TreeSet<>(served), "roles served by the worker groups");
        assertEquals(CodeFacts.roles().size(), served.size(), "a role is served by two groups: " + served);
    }

    @Test
    void eachWorkerGroupScalesOnTheWorkloadOfItsRoles() {
        Map<String, Resource> scaled = new LinkedHashMap<>();
        for (Resource so : ofKind("ScaledObject")) {
            scaled.put(String.valueOf(Repo.at(so.doc(), "spec", "scaleTargetRef", "name")), so);
        }
        // KEDA's operator runs in its own namespace: it reaches the orchestrator by the Service's full name.
        String orchestrator = "http://orchestrator." + kustomization().get("namespace") + ".svc.cluster.local:"
                + Repo.app("orchestrator-service").port();
        assertTrue(Repo.read(Repo.ROOT.resolve("orchestrator-service/src/main/java/dev/cohort/orchestrator/rest/WorkloadResource.java"))
                .contains("@Path(\"" + CodeFacts.WORKLOAD_PATH + "\")"), "the orchestrator serves " + CodeFacts.WORKLOAD_PATH);
        String concurrency = Repo.app(CodeFacts.WORKER_MODULE).mappingDefaults().get("cohort.worker.concurrency");
        assertNotNull(concurrency, "cohort.worker.concurrency has no default in the worker's config mapping");
        for (Resource w : workerDeployments()) {
            Resource so = scaled.remove(w.name());
            assertNotNull(so, w + " has no ScaledObject");
            // KEDA owns the replica count; a fixed one would be reset on every apply.
            assertEquals(null, Repo.at(w.doc(), "spec", "replicas"), w + " sets replicas although KEDA scales it");
            Object min = Repo.at(so.doc(), "spec", "minReplicaCount");
            assertTrue(min instanceof Integer i && i >= 1, so + ": a role group must keep a worker (minReplicaCount >= 1)");
            List<Object> triggers = Repo.list(Repo.at(so.doc(), "spec", "triggers"), so + " triggers");
            assertEquals(1, triggers.size(), so + ": one trigger, on the group's workload");
            Object t = triggers.get(0);
            assertEquals("metrics-api", Repo.at(t, "type"), so + ": not the metrics-api scaler");
            String roles = String.join(",", workerRoles(w));
            assertEquals(orchestrator + CodeFacts.WORKLOAD_PATH + "?roles=" + roles, Repo.at(t, "metadata", "url"),
                    so + ": the workload of exactly the roles " + w + " serves, from the orchestrator");
            assertEquals("total", Repo.at(t, "metadata", "valueLocation"), so + ": scales on waiting + running");
            assertEquals(concurrency, Repo.at(t, "metadata", "targetValue"),
                    so + ": one replica per cohort.worker.concurrency subtasks");
        }
        assertTrue(scaled.isEmpty(), "ScaledObjects without a worker Deployment: " + scaled.keySet());
    }
}
