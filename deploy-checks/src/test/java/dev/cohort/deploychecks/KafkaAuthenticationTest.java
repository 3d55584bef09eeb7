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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The broker, in docker-compose and on Kubernetes, accepts only authenticated clients and lets ACLs decide; its users
 * exist from its first start; every service authenticates as its own user with a password from a secret.
 */
class KafkaAuthenticationTest {

    private static final String MECHANISM = "SCRAM-SHA-512";
    private static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"%s\" password=\"%s\";";
    /** How compose requires a password from the environment: ${VAR:?message}. */
    private static final String REQUIRED = "\\$\\{%s:\\?[^}]*}";
    /** The variables that make the broker's security, compared between compose and Kubernetes. */
    private static final List<String> BROKER_SECURITY = List.of("KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS",
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "KAFKA_CONTROLLER_LISTENER_NAMES", "KAFKA_INTER_BROKER_LISTENER_NAME",
            "KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL", "KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL",
            "KAFKA_AUTHORIZER_CLASS_NAME", "KAFKA_SUPER_USERS", "KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND");
    private static final List<String> STORAGE = List.of("CLUSTER_ID", "KAFKA_NODE_ID", "KAFKA_CONTROLLER_QUORUM_VOTERS", "KAFKA_LOG_DIRS");

    static String adminUser() {
        return Repo.shellWords(Repo.read(KafkaSetupTest.CLIENT), "ADMIN_USER").iterator().next();
    }

    /** The super user and every service user, each with the variable its password is read from by the scripts. */
    static Map<String, String> passwordVariables() {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put(adminUser(), passwordVariable(adminUser()));
        Repo.shellWords(Repo.read(KafkaSetupTest.CLIENT), "SERVICE_USERS").forEach(u -> vars.put(u, passwordVariable(u)));
        return vars;
    }

    static String passwordVariable(String user) {
        return "COHORT_KAFKA_" + user.toUpperCase().replace('-', '_') + "_PASSWORD";
    }

    static KubernetesTest.Resource kafkaStatefulSet() {
        return KubernetesTest.ofKind("StatefulSet").stream().filter(r -> r.name().equals("kafka")).findFirst()
                .orElseThrow(() -> new AssertionError("no StatefulSet kafka"));
    }

    static Map<String, String> k8sBroker() {
        return KubernetesTest.resolvedEnv(kafkaStatefulSet().containers().get(0));
    }

    /** Whether {@code jaas} is the SCRAM login of {@code user} with a password matching {@code passwordRegex}. */
    static boolean isScramLogin(String jaas, String user, String passwordRegex) {
        String[] parts = String.format(SCRAM_LOGIN, user, "\u0000").split("\u0000");
        return jaas != null && jaas.matches(Pattern.quote(parts[0]) + passwordRegex + Pattern.quote(parts[1]));
    }

    /** Checks one broker's variables; {@code password} matches how its super user's password is written there. */
    private static void assertSecureBroker(String where, Map<String, String> env, String password) {
        Map<String, String> protocols = new TreeMap<>();
        for (String pair : env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").split(",")) {
            protocols.put(pair.substring(0, pair.indexOf(':')), pair.substring(pair.indexOf(':') + 1));
        }
        protocols.forEach((listener, protocol) ->
                assertTrue(protocol.startsWith("SASL_"), where + ": listener " + listener + " is " + protocol));
        String advertised = env.get("KAFKA_ADVERTISED_LISTENERS");
        String client = advertised.substring(0, advertised.indexOf("://"));
        assertFalse(advertised.contains(","), where + ": one advertised listener expected");
        assertEquals(client, env.get("KAFKA_INTER_BROKER_LISTENER_NAME"), where);
        String prefix = "KAFKA_LISTENER_NAME_" + client + "_";
        assertEquals(MECHANISM, env.get(prefix + "SASL_ENABLED_MECHANISMS"), where + ": clients' mechanism");
        assertEquals(MECHANISM, env.get("KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL"), where);
        String login = env.get(prefix + MECHANISM.replace("-", "___") + "_SASL_JAAS_CONFIG");
        assertTrue(isScramLogin(login, adminUser(), password), where + ": the broker's login is " + login);
        // The controller listener is for this broker only.
        String controller = env.get("KAFKA_CONTROLLER_LISTENER_NAMES");
        assertTrue(List.of(env.get("KAFKA_LISTENERS").split(",")).contains(controller + "://localhost:9093"),
                where + ": the controller listener must be bound to localhost");
        String controllerMechanism = env.get("KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL");
        assertEquals(controllerMechanism, env.get("KAFKA_LISTENER_NAME_" + controller + "_SASL_ENABLED_MECHANISMS"), where);
        assertTrue(env.get("KAFKA_LISTENER_NAME_" + controller + "_" + controllerMechanism + "_SASL_JAAS_CONFIG")
                .contains("username=\"" + adminUser() + "\""), where + ": the broker's login on the controller");
        assertEquals("org.apache.kafka.metadata.authorizer.StandardAuthorizer", env.get("KAFKA_AUTHORIZER_CLASS_NAME"), where);
        assertEquals("User:" + adminUser(), env.get("KAFKA_SUPER_USERS"), where + ": super users");
        assertEquals("false", env.get("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"), where);
    }

    @Test
    void theBrokerAuthenticatesEveryClientAndAuthorizesWithAcls() {
        Map<String, String> compose = ComposeTest.environment("kafka");
        assertSecureBroker("compose kafka", compose, String.format(REQUIRED, passwordVariable(adminUser())));
        Map<String, String> k8s = k8sBroker();
        assertSecureBroker(kafkaStatefulSet().toString(), k8s,
                Pattern.quote("secret:cohort-kafka-users/" + adminUser() + "-password"));
        for (String key : BROKER_SECURITY) {
            assertEquals(compose.get(key), k8s.get(key), key + " differs between compose and Kubernetes");
        }
    }

    @Test
    void storageIsFormattedWithTheBrokersSettingsBeforeItStarts() {
        Map<String, String> broker = ComposeTest.environment("kafka");
        Map<String, String> format = ComposeTest.environment("kafka-format");
        KubernetesTest.Resource kafka = kafkaStatefulSet();
        Map<String, Object> init = kafka.allContainers().get(0);
        assertEquals("kafka-format", init.get("name"), kafka + ": the first init container formats the storage");
        Map<String, String> k8sFormat = KubernetesTest.resolvedEnv(init);
        for (String key : STORAGE) {
            assertEquals(broker.get(key), format.get(key), "compose kafka-format " + key);
            assertEquals(k8sBroker().get(key), k8sFormat.get(key), kafka + " kafka-format " + key);
        }
        assertEquals("service_completed_successfully",
                Repo.at(ComposeTest.service("kafka"), "depends_on", "kafka-format", "condition"));
        assertEquals(Repo.list(ComposeTest.service("kafka").get("volumes"), "kafka volumes").get(0),
                Repo.list(ComposeTest.service("kafka-format").get("volumes"), "kafka-format volumes").get(0),
                "kafka-format formats the broker's volume");
        assertEquals(List.of("/bin/bash", "/cohort/kafka-format.sh"), ComposeTest.service("kafka-format").get("entrypoint"));
        assertEquals(List.of("/bin/bash", "/cohort/kafka-format.sh"), init.get("command"));
    }

    @Test
    void everyUserHasItsPasswordFromASecret() {
        Map<String, String> vars = passwordVariables();
        for (String service : List.of("kafka-format", "kafka-setup")) {
            Map<String, String> env = ComposeTest.environment(service);
            vars.forEach((user, var) -> assertTrue(String.valueOf(env.get(var)).startsWith("${" + var + ":?"),
                    "compose " + service + ": " + var + " must be required from the environment"));
        }
        Set<String> keys = new TreeSet<>();
        vars.keySet().forEach(u -> keys.add(u + "-password"));
        assertEquals(keys, KubernetesTest.generatedSecrets().get("cohort-kafka-users"), "keys of cohort-kafka-users");
        List<Map<String, Object>> k8s = new ArrayList<>(List.of(kafkaStatefulSet().allContainers().get(0)));
        KubernetesTest.ofKind("Job").stream().filter(j -> j.name().equals("kafka-setup"))
                .forEach(j -> k8s.add(j.containers().get(0)));
        assertEquals(2, k8s.size(), "the format init container and the kafka-setup Job");
        for (Map<String, Object> c : k8s) {
            Map<String, String> env = KubernetesTest.resolvedEnv(c);
            vars.forEach((user, var) -> assertEquals("secret:cohort-kafka-users/" + user + "-password", env.get(var),
                    c.get("name") + ": " + var));
        }
    }

    /**
     * The deployments authenticate through KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM and KAFKA_SASL_JAAS_CONFIG,
     * which Quarkus gives every channel and puts in its default-kafka-broker configuration. A client that the code
     * builds from kafka.bootstrap.servers alone would connect without them and be refused.
     */
    @Test
    void kafkaClientsBuiltInTheCodeTakeTheServicesKafkaSettings() {
        Pattern client = Pattern.compile("new Kafka(Share)?(Consumer|Producer)<|Admin(Client)?\\.create\\(");
        List<String> without = new ArrayList<>();
        for (Repo.QuarkusApp app : Repo.apps().values()) {
            app.sources().forEach((path, java) -> {
                if (client.matcher(java).find() && !java.contains("\"default-kafka-broker\"")) {
                    without.add(Repo.ROOT.relativize(path).toString());
                }
            });
        }
        assertTrue(without.isEmpty(), "Kafka clients built without the service's Kafka settings (inject "
                + "@Identifier(\"default-kafka-broker\") Map<String, Object> and start from it): " + without);
    }

    @Test
    void everyServiceAuthenticatesAsItsOwnUser() {
        String protocol = ComposeTest.environment("kafka").get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")
                .replaceAll(".*CLIENT:([A-Z_]+).*", "$1");
        ComposeTest.moduleServices().forEach((module, name) -> {
            Map<String, String> env = ComposeTest.environment(name);
            if (!Repo.app(module).usesKafka()) {
                assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("KAFKA_")), name + " uses no Kafka");
                return;
            }
            String user = KafkaAccess.user(module);
            assertEquals(protocol, env.get("KAFKA_SECURITY_PROTOCOL"), name);
            assertEquals(MECHANISM, env.get("KAFKA_SASL_MECHANISM"), name);
            String jaas = env.get("KAFKA_SASL_JAAS_CONFIG");
            assertNotNull(jaas, name + " does not authenticate to Kafka");
            assertTrue(isScramLogin(jaas, user, String.format(REQUIRED, passwordVariable(user))),
                    name + ": logs in as " + jaas);
        });
        Map<String, String> config = KubernetesTest.config();
        assertEquals(protocol, config.get("kafka-security-protocol"));
        assertEquals(MECHANISM, config.get("kafka-sasl-mechanism"));
        for (Map.Entry<String, KubernetesTest.Resource> d : KubernetesTest.deploymentsByModule()) {
            Map<String, String> env = KubernetesTest.resolvedEnv(d.getValue().containers().get(0));
            if (!Repo.app(d.getKey()).usesKafka()) {
                assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("KAFKA_")), d.getValue() + " uses no Kafka");
                continue;
            }
            String user = KafkaAccess.user(d.getKey());
            assertEquals(protocol, env.get("KAFKA_SECURITY_PROTOCOL"), d.getValue().toString());
            assertEquals(MECHANISM, env.get("KAFKA_SASL_MECHANISM"), d.getValue().toString());
            assertEquals(String.format(SCRAM_LOGIN, user, "secret:cohort-kafka-users/" + user + "-password"),
                    env.get("KAFKA_SASL_JAAS_CONFIG"), d.getValue() + ": its own user and password");
        }
    }
}
