import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where a hop's time goes, read from the records on Kafka (their producer timestamps and the events' own times) of
 * the tasks a running stack ran since a given instant: dependency's agent.completed sent → the orchestrator's
 * dispatch record on Kafka → the dependent's agent.started sent. Usage: bench/stages.sh [since ISO instant]
 */
public class Stages {

    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Instant since = args.length > 0 ? Instant.parse(args[0]) : Instant.now().minus(Duration.ofHours(1));
        Properties p = new Properties();
        p.put("bootstrap.servers", System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        // completed per (task, subtask): time the record was produced
        Map<String, Long> completed = new HashMap<>();
        Map<String, Long> completedAt = new HashMap<>();
        Map<String, Long> dispatchRecord = new HashMap<>();
        Map<String, Long> dispatchedAt = new HashMap<>();
        Map<String, Long> startedRecord = new HashMap<>();
        Map<String, JsonNode> dispatches = new HashMap<>();
        Map<String, String> titles = new HashMap<>(); // task/title -> task/subtask uuid
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (Map.Entry<String, List<PartitionInfo>> t : consumer.listTopics().entrySet()) {
                if (t.getKey().startsWith("cohort.dispatch.") || t.getKey().equals("cohort.agent-events")
                        || t.getKey().equals("cohort.task-events")) {
                    t.getValue().forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
                }
            }
            consumer.assign(parts);
            Map<TopicPartition, Long> query = new HashMap<>();
            parts.forEach(tp -> query.put(tp, since.toEpochMilli()));
            var offsets = consumer.offsetsForTimes(query);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            for (TopicPartition tp : parts) {
                var o = offsets.get(tp);
                consumer.seek(tp, o == null ? ends.get(tp) : o.offset());
            }
            int idle = 0;
            while (idle < 3) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    idle++;
                    continue;
                }
                idle = 0;
                for (ConsumerRecord<String, String> r : records) {
                    JsonNode e = JSON.readTree(r.value());
                    String task = e.path("taskId").asText();
                    String sub = e.path("subtaskId").asText();
                    String type = e.path("type").asText();
                    if (r.topic().startsWith("cohort.dispatch.")) {
                        String k = task + "/" + sub + "/" + e.path("attempt").asInt();
                        dispatchRecord.putIfAbsent(k, r.timestamp());
                        dispatches.putIfAbsent(k, e);
                    } else if (type.equals("agent.completed")) {
                        completed.putIfAbsent(task + "/" + sub, r.timestamp());
                        completedAt.putIfAbsent(task + "/" + sub, Instant.parse(e.path("occurredAt").asText()).toEpochMilli());
                    } else if (type.equals("agent.started")) {
                        startedRecord.putIfAbsent(task + "/" + sub + "/" + e.path("attempt").asInt(), r.timestamp());
                    }
                    if (type.equals("subtask.state-changed")) {
                        titles.putIfAbsent(task + "/" + e.path("title").asText(), task + "/" + sub);
                    }
                    if (type.equals("subtask.state-changed") && e.path("status").asText().equals("dispatched")) {
                        dispatchedAt.putIfAbsent(task + "/" + sub + "/" + e.path("attempt").asInt(),
                                Instant.parse(e.path("occurredAt").asText()).toEpochMilli());
                    }
                }
            }
        }
        List<Long> toDispatchTx = new ArrayList<>(), txToRecord = new ArrayList<>(), recordToStart = new ArrayList<>(),
                total = new ArrayList<>();
        for (var d : dispatches.entrySet()) {
            JsonNode dispatch = d.getValue();
            String task = dispatch.path("taskId").asText();
            long lastDep = -1;
            for (JsonNode dep : dispatch.path("upstream")) {
                String uuid = titles.get(task + "/" + dep.path("title").asText());
                Long c = uuid == null ? null : completed.get(uuid);
                if (c != null) {
                    lastDep = Math.max(lastDep, c);
                }
            }
            Long started = startedRecord.get(d.getKey());
            Long tx = dispatchedAt.get(d.getKey());
            if (lastDep < 0 || started == null || tx == null) {
                continue;
            }
            toDispatchTx.add(tx - lastDep);
            txToRecord.add(dispatchRecord.get(d.getKey()) - tx);
            recordToStart.add(started - dispatchRecord.get(d.getKey()));
            total.add(started - lastDep);
        }
        System.out.println("hops " + total.size());
        print("completed sent -> dispatched (orchestrator tx)", toDispatchTx);
        print("dispatched tx -> dispatch record on Kafka", txToRecord);
        print("dispatch record -> agent.started sent", recordToStart);
        print("total", total);
    }

    static void print(String what, List<Long> values) {
        if (values.isEmpty()) {
            System.out.println(what + ": none");
            return;
        }
        values.sort(null);
        System.out.printf("%-50s p50 %5d  p90 %5d  max %5d ms%n", what, values.get(values.size() / 2),
                values.get((int) (values.size() * 0.9)), values.get(values.size() - 1));
    }
}
