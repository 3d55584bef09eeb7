package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * network-policies.yaml: nothing reaches a pod in the namespace unless a policy allows it, and the policies allow
 * exactly the connections the workloads' settings make (each address a workload is given, to the Service's pods on
 * its port), plus the dashboard from anywhere and the orchestrator from the ingress controller and KEDA.
 */
class NetworkPoliciesTest {

    private static final Pattern ADDRESS = Pattern.compile("(?:[a-z]+://)?([a-z][a-z0-9-]*)(?:\\.[a-z0-9.-]+)?:(\\d+)");
    /** The namespaces outside that may call the orchestrator: the ingress controller's and KEDA's. */
    private static final Set<String> ORCHESTRATOR_CALLERS_OUTSIDE = Set.of("ingress-nginx", "keda");

    /** A connection a workload makes: to another workload, on a container port. */
    record Connection(String from, String to, int port) implements Comparable<Connection> {
        @Override
        public int compareTo(Connection o) {
            return toString().compareTo(o.toString());
        }
    }

    static List<KubernetesTest.Resource> policies() {
        return KubernetesTest.ofKind("NetworkPolicy");
    }

    static List<KubernetesTest.Resource> workloads() {
        return KubernetesTest.ofKind("Deployment", "StatefulSet", "Job");
    }

    /** Whether a label selector (matchLabels and In expressions) selects pods with these labels. */
    @SuppressWarnings("unchecked")
    static boolean selects(Object selector, Map<String, Object> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, Object> s = Repo.map(selector, "selector");
        Object match = s.get("matchLabels");
        if (match != null && !labels.entrySet().containsAll(Repo.map(match, "matchLabels").entrySet())) {
            return false;
        }
        Object expressions = s.get("matchExpressions");
        for (Object e : expressions == null ? List.of() : Repo.list(expressions, "matchExpressions")) {
            assertEquals("In", Repo.at(e, "operator"), "only In expressions are understood here");
            if (!((List<Object>) Repo.at(e, "values")).contains(labels.get(Repo.at(e, "key")))) {
                return false;
            }
        }
        return true;
    }

    static List<Integer> ports(Object rule) {
        Object ports = Repo.at(rule, "ports");
        List<Integer> numbers = new ArrayList<>();
        for (Object p : ports == null ? List.of() : Repo.list(ports, "ports")) {
            assertTrue(Repo.at(p, "port") instanceof Integer, "use port numbers in NetworkPolicies: " + p);
            numbers.add((Integer) Repo.at(p, "port"));
        }
        return numbers;
    }

    static List<Object> rules(KubernetesTest.Resource policy, String direction) {
        Object rules = Repo.at(policy.doc(), "spec", direction);
        return rules == null ? List.of() : Repo.list(rules, policy + " " + direction);
    }

    static boolean hasType(KubernetesTest.Resource policy, String type) {
        return Repo.list(Repo.at(policy.doc(), "spec", "policyTypes"), policy + " policyTypes").contains(type);
    }

    /** The connections each workload's settings make: every host:port it is given that is a Service here. */
    static Set<Connection> connections() {
        Map<String, Object> services = new LinkedHashMap<>();
        KubernetesTest.ofKind("Service").forEach(s -> services.put(s.name(), s.doc()));
        Set<Connection> connections = new TreeSet<>();
        for (KubernetesTest.Resource w : workloads()) {
            for (Map<String, Object> c : w.allContainers()) {
                KubernetesTest.resolvedEnv(c).forEach((name, value) -> {
                    if (value == null || !(name.contains("URL") || name.contains("BOOTSTRAP"))) {
                        return;
                    }
                    Matcher m = ADDRESS.matcher(value);
                    while (m.find()) {
                        Object service = services.get(m.group(1));
                        if (service != null) {
                            connections.add(target(w, service, Integer.parseInt(m.group(2))));
                        }
                    }
                });
            }
        }
        return connections;
    }

    /** The workload behind a Service's port, and the container port it forwards to. */
    private static Connection target(KubernetesTest.Resource from, Object service, int port) {
        for (KubernetesTest.Resource to : KubernetesTest.ofKind("Deployment", "StatefulSet")) {
            if (!to.podLabels().entrySet().containsAll(Repo.map(Repo.at(service, "spec", "selector"), "selector").entrySet())) {
                continue;
            }
            for (Object p : Repo.list(Repo.at(service, "spec", "ports"), "service ports")) {
                if (Integer.valueOf(port).equals(Repo.at(p, "port"))) {
                    for (Map<String, Object> c : to.containers()) {
                        for (Object cp : Repo.list(c.get("ports"), to + " ports")) {
                            if (Repo.at(p, "targetPort").equals(Repo.at(cp, "name"))) {
                                return new Connection(from.name(), to.name(), (Integer) Repo.at(cp, "containerPort"));
                            }
                        }
                    }
                }
            }
        }
        throw new AssertionError(from + " is given port " + port + " of a Service that no workload serves");
    }

    @Test
    void everyPodDeniesConnectionsNoPolicyAllows() {
        List<KubernetesTest.Resource> denyAll = policies().stream()
                .filter(p -> Repo.map(Repo.at(p.doc(), "spec", "podSelector"), "podSelector").isEmpty()
                        && hasType(p, "Ingress") && rules(p, "ingress").isEmpty())
                .toList();
        assertEquals(1, denyAll.size(), "one policy denying every connection into the namespace");
        for (KubernetesTest.Resource w : KubernetesTest.ofKind("Deployment", "StatefulSet")) {
            assertTrue(policies().stream().anyMatch(p -> !denyAll.contains(p)
                            && selects(Repo.at(p.doc(), "spec", "podSelector"), w.podLabels())),
                    w + " is selected by no NetworkPolicy of its own");
        }
    }

    @Test
    void ingressIsAllowedForExactlyTheConnectionsTheWorkloadsMake() {
        Set<Connection> needed = connections();
        Set<Connection> allowed = new TreeSet<>();
        List<String> fromAnywhere = new ArrayList<>();
        Map<String, Set<String>> outside = new LinkedHashMap<>();
        for (KubernetesTest.Resource policy : policies()) {
            if (!hasType(policy, "Ingress")) {
                continue;
            }
            for (KubernetesTest.Resource to : KubernetesTest.ofKind("Deployment", "StatefulSet")) {
                if (!selects(Repo.at(policy.doc(), "spec", "podSelector"), to.podLabels())) {
                    continue;
                }
                for (Object rule : rules(policy, "ingress")) {
                    List<Integer> ports = ports(rule);
                    assertFalse(ports.isEmpty(), policy + ": a rule without ports opens every port of " + to);
                    Object from = Repo.at(rule, "from");
                    if (from == null) {
                        fromAnywhere.add(to.name());
                        continue;
                    }
                    for (Object peer : Repo.list(from, policy + " from")) {
                        Object namespace = Repo.at(peer, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name");
                        if (namespace != null) {
                            outside.computeIfAbsent(to.name(), k -> new TreeSet<>()).add((String) namespace);
                            continue;
                        }
                        assertNotNull(Repo.at(peer, "podSelector"), policy + ": a peer that is not a pod here " + peer);
                        for (KubernetesTest.Resource source : workloads()) {
                            if (selects(Repo.at(peer, "podSelector"), source.podLabels())) {
                                ports.forEach(port -> allowed.add(new Connection(source.name(), to.name(), port)));
                            }
                        }
                    }
                }
            }
        }
        Set<Connection> missing = new TreeSet<>(needed);
        missing.removeAll(allowed);
        Set<Connection> extra = new TreeSet<>(allowed);
        extra.removeAll(needed);
        assertTrue(missing.isEmpty() && extra.isEmpty(), "NetworkPolicies differ from the connections the workloads "
                + "make: not allowed " + missing + ", allowed but never made " + extra);
        assertEquals(List.of("dashboard"), fromAnywhere, "only the dashboard takes connections from anywhere");
        assertEquals(Map.of("orchestrator", ORCHESTRATOR_CALLERS_OUTSIDE), outside,
                "only the orchestrator takes connections from other namespaces (ingress controller, KEDA)");
    }

    @Test
    void workersConnectOnlyToWhatTheyUse() {
        List<KubernetesTest.Resource> workers = KubernetesTest.workerDeployments();
        List<KubernetesTest.Resource> egress = policies().stream().filter(p -> hasType(p, "Egress")).toList();
        for (KubernetesTest.Resource worker : workers) {
            List<Object> rules = new ArrayList<>();
            egress.stream().filter(p -> selects(Repo.at(p.doc(), "spec", "podSelector"), worker.podLabels()))
                    .forEach(p -> rules.addAll(rules(p, "egress")));
            assertFalse(rules.isEmpty(), worker + " may connect anywhere: no egress policy selects it");
            for (Connection c : connections()) {
                if (!c.from().equals(worker.name())) {
                    continue;
                }
                KubernetesTest.Resource to = workloads().stream().filter(w -> w.name().equals(c.to())).findFirst()
                        .orElseThrow();
                assertTrue(rules.stream().anyMatch(r -> ports(r).contains(c.port()) && Repo.at(r, "to") != null
                                && Repo.list(Repo.at(r, "to"), "to").stream()
                                .anyMatch(peer -> selects(Repo.at(peer, "podSelector"), to.podLabels()))),
                        worker + " may not connect to " + c.to() + ":" + c.port());
            }
            for (Object rule : rules) {
                Object to = Repo.at(rule, "to");
                if (to == null) {
                    // To any address: DNS and Ollama, which may run anywhere, only.
                    assertTrue(Set.of(53, 11434).containsAll(ports(rule)), worker + ": to anywhere on " + ports(rule));
                    continue;
                }
                for (Object peer : Repo.list(to, "to")) {
                    Object cidr = Repo.at(peer, "ipBlock", "cidr");
                    if (cidr != null) {
                        // Model APIs on the internet; never the cluster's or the local network's addresses.
                        assertEquals(List.of(443), ports(rule), worker + ": ipBlock " + cidr + " on " + ports(rule));
                        assertTrue(Repo.list(Repo.at(peer, "ipBlock", "except"), "except")
                                        .containsAll(List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")),
                                worker + ": " + cidr + " must leave out private addresses");
                    }
                }
            }
            assertTrue(rules.stream().anyMatch(r -> Repo.at(r, "to") == null && ports(r).contains(53)),
                    worker + " cannot resolve names");
        }
    }
}
