package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.Topics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each service does on Kafka, read from its code: the channels of its application.properties and the records
 * and clients of its Java sources. The ACLs of scripts/kafka-setup.sh must grant exactly this.
 */
final class KafkaAccess {

    static final String READ = "Read";
    static final String WRITE = "Write";
    static final String ALTER_CONFIGS = "AlterConfigs";
    static final String TOPIC = "topic";
    static final String GROUP = "group";
    static final String LITERAL = "literal";
    static final String PREFIXED = "prefixed";

    /** The Kafka user each service module authenticates as: its principal in the ACLs. */
    static final Map<String, String> USERS = Map.of(
            "orchestrator-service", "orchestrator",
            "context-store-service", "context-store",
            "dashboard-service", "dashboard",
            CodeFacts.WORKER_MODULE, "worker");

    private static final Pattern CHANNEL = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.connector");
    private static final Pattern OUTBOX_ADD = Pattern.compile("outbox\\.add\\(\\s*Topics\\.([A-Za-z_]+)\\b(\\()?");
    private static final Pattern OUTBOX_ROW = Pattern.compile("new OutboxSender\\.Row\\([^;]*?Topics\\.([A-Z_]+)\\b");
    private static final Pattern PRODUCER_RECORD = Pattern.compile("new ProducerRecord<[^>]*>\\(\\s*Topics\\.([A-Z_]+)\\b");
    private static final Pattern SUBSCRIBE = Pattern.compile("subscribe\\(List\\.of\\(Topics\\.([A-Za-z_]+)\\b(\\()?");
    private static final Pattern TOPIC_REFERENCE = Pattern.compile("Topics\\.([A-Z_]+)\\b");
    private static final Pattern CONSUMER_SUBSCRIBE = Pattern.compile("\\.subscribe\\(Topics\\.([A-Z_]+)\\b");
    private static final Pattern GROUP_PER_START = Pattern.compile("\"(cohort-[a-z-]+-)\"\\s*\\+\\s*UUID\\.randomUUID\\(\\)");
    private static final Path OUTBOX_SENDER = Repo.ROOT.resolve("outbox/src/main/java/dev/cohort/outbox/OutboxSender.java");

    /** One ACL: principal, operation, resource type, pattern type, resource name (the columns of kafka-setup.sh). */
    record Acl(String principal, String operation, String resource, String pattern, String name)
            implements Comparable<Acl> {

        static Acl parse(String line) {
            String[] f = line.trim().split("\\s+");
            assertEquals(5, f.length, "an ACL line is principal, operation, resource, pattern, name: " + line);
            return new Acl(f[0], f[1], f[2], f[3], f[4]);
        }

        /** Whether this ACL's resource pattern covers the resource {@code name} of type {@code resource}. */
        boolean covers(String resource, String name) {
            return this.resource.equals(resource)
                    && (pattern.equals(LITERAL) ? this.name.equals(name) : name.startsWith(this.name));
        }

        @Override
        public int compareTo(Acl o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return principal + " " + operation + " " + resource + " " + name + " (" + pattern + ")";
        }
    }

    private KafkaAccess() {
    }

    /** The ACLs of scripts/kafka-setup.sh. */
    static Set<Acl> granted() {
        Set<Acl> acls = new TreeSet<>();
        for (String line : Repo.shellLines(Repo.read(KafkaSetupTest.SCRIPT), "ACLS")) {
            assertTrue(acls.add(Acl.parse(line)), "an ACL twice: " + line);
        }
        return acls;
    }

    /** The ACLs every Kafka-using service needs, from its code. */
    static Set<Acl> needed() {
        Set<Acl> acls = new TreeSet<>();
        for (Repo.QuarkusApp app : Repo.apps().values()) {
            if (app.usesKafka()) {
                acls.addAll(needed(app));
            }
        }
        return acls;
    }

    /** The principal of a Kafka-using module. */
    static String user(String module) {
        String user = USERS.get(module);
        assertNotNull(user, module + " uses Kafka but has no Kafka user in KafkaAccess.USERS");
        return user;
    }

    static Set<Acl> needed(Repo.QuarkusApp app) {
        String user = user(app.module());
        Set<Acl> acls = new TreeSet<>();
        channels(app, user, acls);
        sources(app, user, acls);
        return acls;
    }

    /** The ACLs of the SmallRye Kafka channels in application.properties. */
    private static void channels(Repo.QuarkusApp app, String user, Set<Acl> acls) {
        for (String key : new TreeSet<>(app.properties().stringPropertyNames())) {
            Matcher m = CHANNEL.matcher(key);
            if (!m.matches() || !"smallrye-kafka".equals(app.property(key))) {
                continue;
            }
            String prefix = "mp.messaging." + m.group(1) + "." + m.group(2) + ".";
            String topics = app.property(prefix + "topics");
            List<String> names = topics != null ? List.of(topics.split("\\s*,\\s*"))
                    : List.of(orElse(app.property(prefix + "topic"), m.group(2)));
            if (m.group(1).equals("outgoing")) {
                names.forEach(t -> acls.add(new Acl(user, WRITE, TOPIC, LITERAL, t)));
                continue;
            }
            names.forEach(t -> acls.add(new Acl(user, READ, TOPIC, LITERAL, t)));
            // Quarkus names a channel's group after the application unless it is set.
            String group = orElse(app.property(prefix + "group.id"),
                    orElse(app.property("mp.messaging.connector.smallrye-kafka.group.id"),
                            app.property("quarkus.application.name")));
            int placeholder = group.indexOf("${");
            acls.add(placeholder < 0 ? new Acl(user, READ, GROUP, LITERAL, group)
                    : new Acl(user, READ, GROUP, PREFIXED, group.substring(0, placeholder)));
            String failure = orElse(app.property(prefix + "failure-strategy"),
                    orElse(app.property("mp.messaging.connector.smallrye-kafka.failure-strategy"), "fail"));
            if (failure.equals("dead-letter-queue")) {
                acls.add(new Acl(user, WRITE, TOPIC, LITERAL,
                        orElse(app.property(prefix + "dead-letter-queue.topic"), "dead-letter-topic-" + m.group(2))));
            }
        }
    }

    /**
     * The ACLs of what the Java sources do beyond the channels: records whose topic is chosen per record (the outbox
     * relays), the worker's own share consumers, producer and admin client, the dashboard's own event-feed consumer.
     */
    private static void sources(Repo.QuarkusApp app, String user, Set<Acl> acls) {
        for (Map.Entry<Path, String> source : app.sources().entrySet()) {
            String java = source.getValue();
            Matcher add = OUTBOX_ADD.matcher(java);
            while (add.find()) {
                acls.add(add.group(2) != null ? dispatchAcl(user, WRITE, add.group(1), source.getKey())
                        : new Acl(user, WRITE, TOPIC, LITERAL, topic(add.group(1))));
            }
            for (Pattern p : List.of(OUTBOX_ROW, PRODUCER_RECORD)) {
                Matcher m = p.matcher(java);
                while (m.find()) {
                    acls.add(new Acl(user, WRITE, TOPIC, LITERAL, topic(m.group(1))));
                }
            }
            if (java.contains("import dev.cohort.outbox.OutboxSender;")) {
                // The sender names a record Kafka refused on a topic of its own.
                Matcher m = Pattern.compile("send\\(Topics\\.([A-Z_]+)\\b").matcher(Repo.read(OUTBOX_SENDER));
                assertTrue(m.find(), OUTBOX_SENDER + " no longer sends to a Topics constant; check its dead-letter notice");
                do {
                    acls.add(new Acl(user, WRITE, TOPIC, LITERAL, topic(m.group(1))));
                } while (m.find());
            }
            if (java.contains("new KafkaShareConsumer")) {
                Matcher m = SUBSCRIBE.matcher(java);
                assertTrue(m.find(), source.getKey() + ": a share consumer whose topics these checks cannot read");
                acls.add(m.group(2) != null ? dispatchAcl(user, READ, m.group(1), source.getKey())
                        : new Acl(user, READ, TOPIC, LITERAL, topic(m.group(1))));
                assertTrue(java.contains("config.shareGroupPrefix() + "),
                        source.getKey() + ": share groups not named by cohort.worker.share-group-prefix");
                acls.add(new Acl(user, READ, GROUP, PREFIXED, CodeFacts.shareGroupPrefix()));
            }
            if (java.contains("new KafkaConsumer<") && java.contains("ConsumerConfig.GROUP_ID_CONFIG")) {
                // A consumer of its own in a group of its own per start (the dashboard's event feed).
                Matcher m = CONSUMER_SUBSCRIBE.matcher(java);
                assertTrue(m.find(), source.getKey() + ": a consumer whose topics these checks cannot read");
                List<String> topics = m.group(1).equals("EVENT_TOPICS") ? Topics.EVENT_TOPICS : List.of(topic(m.group(1)));
                topics.forEach(t -> acls.add(new Acl(user, READ, TOPIC, LITERAL, t)));
                Matcher g = GROUP_PER_START.matcher(java);
                assertTrue(g.find(), source.getKey() + ": a consumer group these checks cannot read");
                acls.add(new Acl(user, READ, GROUP, PREFIXED, g.group(1)));
            }
            if (java.contains("incrementalAlterConfigs") && java.contains("ConfigResource.Type.GROUP")) {
                assertTrue(java.contains("new ConfigResource(ConfigResource.Type.GROUP, config.shareGroupPrefix() + "),
                        source.getKey() + ": alters the configuration of groups other than the share groups");
                acls.add(new Acl(user, ALTER_CONFIGS, GROUP, PREFIXED, CodeFacts.shareGroupPrefix()));
            }
        }
    }

    private static Acl dispatchAcl(String user, String operation, String method, Path source) {
        assertEquals("dispatch", method, source + ": Topics." + method + "(...) is not known to these checks");
        return new Acl(user, operation, TOPIC, PREFIXED, Topics.DISPATCH_PREFIX);
    }

    /**
     * Java sources that build Kafka clients themselves, outside the channels, with the topics they name: each must be
     * covered by its service's ACLs.
     */
    static Map<Path, Set<String>> directClients(Repo.QuarkusApp app) {
        Map<Path, Set<String>> clients = new LinkedHashMap<>();
        app.sources().forEach((path, java) -> {
            if (java.contains("import org.apache.kafka.clients.")) {
                Set<String> topics = new TreeSet<>();
                Matcher m = TOPIC_REFERENCE.matcher(java);
                while (m.find()) {
                    if (m.group(1).equals("EVENT_TOPICS")) {
                        topics.addAll(Topics.EVENT_TOPICS);
                    } else if (m.group(1).equals("DISPATCH_PREFIX")) {
                        topics.add(Topics.DISPATCH_PREFIX + "*");
                    } else if (topicConstants().containsKey(m.group(1))) {
                        topics.add(topicConstants().get(m.group(1)));
                    }
                }
                clients.put(path, topics);
            }
        });
        return clients;
    }

    /** The topic names among the constants of {@link Topics}, by field name. */
    static Map<String, String> topicConstants() {
        Map<String, String> topics = new TreeMap<>();
        for (Field f : Topics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && !f.getName().endsWith("_HEADER")
                    && !f.getName().endsWith("_PREFIX")) {
                try {
                    topics.put(f.getName(), (String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return topics;
    }

    private static String topic(String constant) {
        String topic = topicConstants().get(constant);
        assertNotNull(topic, "Topics." + constant + " is not a topic");
        return topic;
    }

    /** Every topic name Cohort uses: the constants of Topics and one dispatch topic per role. */
    static List<String> allTopics() {
        List<String> topics = new ArrayList<>(topicConstants().values());
        CodeFacts.roles().forEach(r -> topics.add(CodeFacts.dispatchTopic(r)));
        return topics;
    }

    /** The principals an ACL set lets do {@code operation} on a topic. */
    static Set<String> principals(Set<Acl> acls, String operation, String topic) {
        Set<String> principals = new TreeSet<>();
        acls.stream().filter(a -> a.operation().equals(operation) && a.covers(TOPIC, topic))
                .forEach(a -> principals.add(a.principal()));
        return principals;
    }

    private static String orElse(String value, String otherwise) {
        return value != null ? value : otherwise;
    }
}
