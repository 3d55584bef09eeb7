package dev.cohort.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Dispatch-style consumption with a Kafka share group, on the real embedded broker. */
class ShareGroupDispatchTest {

    final String bootstrap = CohortInfra.kafkaBootstrapServers();

    @Test
    void twoMembersOfOneShareGroupSplitTheRecordsOfOneTopic() throws Exception {
        String topic = "dispatch-split";
        String group = "workers-split";
        ShareGroups.startFromEarliest(bootstrap, group);
        produce(topic, List.of("job-0"));

        Map<String, List<String>> taken = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> members = new ArrayList<>();
        for (String member : List.of("a", "b")) {
            List<String> mine = new CopyOnWriteArrayList<>();
            taken.put(member, mine);
            Thread t = new Thread(() -> consumeAndAcknowledge(topic, group, mine, stop), "member-" + member);
            t.start();
            members.add(t);
        }
        // The rest once both members are in the group with the topic assigned, so that neither can have taken
        // everything before the other joined (a busy machine can take seconds to get a member in).
        awaitMembers(group, topic, 2);
        produce(topic, IntStream.range(1, 30).mapToObj(i -> "job-" + i).toList());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (taken.values().stream().mapToInt(List::size).sum() < 30 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        stop.set(true);
        for (Thread t : members) {
            t.join(10_000);
        }

        List<String> all = new ArrayList<>(taken.get("a"));
        all.addAll(taken.get("b"));
        assertEquals(30, all.size(), "every record delivered once and acknowledged: " + taken);
        assertEquals(30, new HashSet<>(all).size(), "no record delivered to both members: " + taken);
        assertFalse(taken.get("a").isEmpty(), "member a got none of " + taken);
        assertFalse(taken.get("b").isEmpty(), "member b got none of " + taken);
    }

    @Test
    void aRecordTakenByAMemberWhoseProcessDiesIsDeliveredToAnother() throws Exception {
        String topic = "dispatch-crash";
        String group = "workers-crash";
        ShareGroups.startFromEarliest(bootstrap, group);
        produce(topic, List.of("subtask-42"));

        Process doomed = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                ShareGroupMember.class.getName(), bootstrap, topic, group)
                .redirectErrorStream(true)
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(doomed.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
            } catch (Exception ignored) {
                // the process was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            String line;
            do {
                line = lines.poll(60, TimeUnit.SECONDS);
            } while (line != null && !line.startsWith("TOOK "));
            assertEquals("TOOK subtask-42", line, "the first member should have taken the record");
        } finally {
            doomed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        List<ConsumerRecord<String, String>> redelivered = new ArrayList<>();
        try (KafkaShareConsumer<String, String> survivor =
                     new KafkaShareConsumer<>(ShareGroupMember.config(bootstrap, group))) {
            survivor.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (redelivered.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : survivor.poll(Duration.ofMillis(500))) {
                    redelivered.add(r);
                    survivor.acknowledge(r, AcknowledgeType.ACCEPT);
                }
            }
            survivor.commitSync();
        }

        assertEquals(1, redelivered.size());
        assertEquals("subtask-42", redelivered.get(0).value());
        assertTrue(redelivered.get(0).deliveryCount().orElse((short) 0) >= 2,
                "the broker counts the dead member's delivery: " + redelivered.get(0).deliveryCount());
    }

    private void consumeAndAcknowledge(String topic, String group, List<String> mine, AtomicBoolean stop) {
        try (KafkaShareConsumer<String, String> consumer =
                     new KafkaShareConsumer<>(ShareGroupMember.config(bootstrap, group))) {
            consumer.subscribe(List.of(topic));
            while (!stop.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    sleep(50); // a little work per record, as a worker would do
                    mine.add(r.value());
                    consumer.acknowledge(r, AcknowledgeType.ACCEPT);
                }
                consumer.commitSync();
            }
        }
    }

    private void awaitMembers(String group, String topic, int count) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    ShareGroupDescription description = admin.describeShareGroups(List.of(group)).all()
                            .get(10, TimeUnit.SECONDS).get(group);
                    long assigned = description.members().stream().filter(m -> m.assignment().topicPartitions()
                            .stream().anyMatch(tp -> tp.topic().equals(topic))).count();
                    if (assigned >= count) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) {
                        throw e;
                    }
                    // no member has joined yet
                }
                Thread.sleep(100);
            }
            throw new AssertionError("fewer than " + count + " members of " + group + " got " + topic + " in 60 s");
        }
    }

    private void produce(String topic, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = TopicWriter.producer()) {
            for (String v : values) {
                producer.send(new ProducerRecord<>(topic, v, v)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
