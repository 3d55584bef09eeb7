package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operations of the AsyncAPI document (contracts, served at /asyncapi.yaml) say who sends and who receives on each
 * topic: they must be what each service does on Kafka, read from its code as for the ACLs ({@link KafkaAccess}).
 */
class AsyncApiOperationsTest {

    static final Path DOCUMENT = Repo.ROOT.resolve("contracts/src/main/resources/META-INF/resources/asyncapi.yaml");
    static final String DISPATCH_ADDRESS = Topics.DISPATCH_PREFIX + "{role}";

    /** One service sending or receiving on one channel address. */
    record Operation(String service, String action, String address) implements Comparable<Operation> {

        @Override
        public int compareTo(Operation o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return service + " " + action + "s " + address;
        }
    }

    static Map<String, Object> document() {
        return Repo.documents(DOCUMENT).get(0);
    }

    /** The operations the document declares, by the service its tag names. */
    static Set<Operation> documented() {
        Map<String, Object> doc = document();
        Set<Operation> operations = new TreeSet<>();
        Map<String, Object> channels = Repo.map(doc.get("channels"), "channels");
        for (Map.Entry<String, Object> e : Repo.map(doc.get("operations"), "operations").entrySet()) {
            Map<String, Object> op = Repo.map(e.getValue(), "operation " + e.getKey());
            String ref = (String) Repo.at(op, "channel", "$ref");
            assertNotNull(ref, e.getKey() + " names no channel");
            Object channel = channels.get(ref.substring(ref.lastIndexOf('/') + 1));
            assertNotNull(channel, e.getKey() + ": no channel " + ref);
            for (String service : services(e.getKey(), op)) {
                operations.add(new Operation(service, (String) op.get("action"),
                        (String) Repo.at(channel, "address")));
            }
        }
        return operations;
    }

    private static Set<String> services(String name, Map<String, Object> op) {
        Set<String> services = new TreeSet<>();
        for (Object tag : Repo.list(op.get("tags"), name + " tags")) {
            String service = (String) Repo.map(tag, name + " tag").get("name");
            assertTrue(KafkaAccess.USERS.containsKey(service), name + " is tagged " + service
                    + ", which is not a service on Kafka: " + KafkaAccess.USERS.keySet());
            services.add(service);
        }
        assertEquals(1, services.size(), name + " should name the one service that performs it");
        return services;
    }

    /** What each Kafka-using service does, from the ACLs its code needs. */
    static Set<Operation> fromCode() {
        Set<Operation> operations = new TreeSet<>();
        for (Repo.QuarkusApp app : Repo.apps().values()) {
            if (!app.usesKafka()) {
                continue;
            }
            for (KafkaAccess.Acl acl : KafkaAccess.needed(app)) {
                if (!acl.resource().equals(KafkaAccess.TOPIC)) {
                    continue;
                }
                String address = acl.pattern().equals(KafkaAccess.PREFIXED) ? acl.name() + "{role}" : acl.name();
                String action = acl.operation().equals(KafkaAccess.READ) ? "receive" : "send";
                operations.add(new Operation(app.module(), action, address));
            }
        }
        return operations;
    }

    @Test
    void theDocumentNamesEveryServiceThatSendsOrReceivesAndNoOther() {
        Set<Operation> code = fromCode();
        assertTrue(code.contains(new Operation(CodeFacts.WORKER_MODULE, "receive", DISPATCH_ADDRESS)),
                "the check no longer sees the workers' share consumers: " + code);
        Set<Operation> missing = new TreeSet<>(code);
        missing.removeAll(documented());
        assertTrue(missing.isEmpty(), DOCUMENT + " lacks the operations " + missing);
        Set<Operation> extra = new TreeSet<>(documented());
        extra.removeAll(code);
        assertTrue(extra.isEmpty(), DOCUMENT + " declares operations the code does not perform: " + extra);
    }

    /** A receiving operation names its consumer group (or share group) as the service's code does. */
    @Test
    void everyReceiveNamesTheGroupTheServiceReadsIn() {
        Map<String, Object> doc = document();
        int checked = 0;
        for (Map.Entry<String, Object> e : Repo.map(doc.get("operations"), "operations").entrySet()) {
            Map<String, Object> op = Repo.map(e.getValue(), e.getKey());
            if (!"receive".equals(op.get("action"))) {
                continue;
            }
            String service = services(e.getKey(), op).iterator().next();
            Object group = Repo.at(op, "bindings", "kafka", "groupId");
            assertNotNull(group, e.getKey() + " names no groupId");
            Map<String, Object> schema = Repo.map(group, e.getKey() + " groupId");
            Set<String> granted = new TreeSet<>();
            for (KafkaAccess.Acl acl : KafkaAccess.needed(Repo.app(service))) {
                if (acl.resource().equals(KafkaAccess.GROUP)) {
                    granted.add(acl.pattern() + " " + acl.name());
                }
            }
            String named = schema.containsKey("const") ? KafkaAccess.LITERAL + " " + schema.get("const")
                    : KafkaAccess.PREFIXED + " " + prefix((String) schema.get("pattern"));
            assertTrue(granted.contains(named), e.getKey() + ": group " + named + " is not one " + service
                    + " reads in: " + granted);
            checked++;
        }
        assertTrue(checked > 0, "no receive operation in " + DOCUMENT);
    }

    /** The literal start of an anchored pattern: {@code ^cohort-workers-[a-z]+$} is {@code cohort-workers-}. */
    private static String prefix(String pattern) {
        assertNotNull(pattern, "a groupId with neither const nor pattern");
        assertTrue(pattern.startsWith("^"), "a groupId pattern that is not anchored: " + pattern);
        String rest = pattern.substring(1);
        int end = 0;
        while (end < rest.length() && "[(.*+?$\\{|".indexOf(rest.charAt(end)) < 0) {
            end++;
        }
        return rest.substring(0, end);
    }
}
