package dev.cohort.orchestrator.service;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentCompleted;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentFailed;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.AgentStarted;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.ConflictRef;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.StructuredSummary;
import dev.cohort.contracts.model.Usage;
import dev.cohort.testsupport.CohortInfra;
import dev.cohort.testsupport.TopicWriter;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A stand-in for the worker fleet in orchestrator tests: it reads every dispatch topic from Kafka and answers
 * each dispatch with the agent events a script returns, through the real broker.
 */
public final class ScriptedWorker implements AutoCloseable {

    public static final ModelRef MODEL = new ModelRef(Provider.OLLAMA, "scripted");

    final List<SubtaskDispatch> received = new CopyOnWriteArrayList<>();
    private final Function<SubtaskDispatch, List<AgentEvent>> script;
    private final KafkaProducer<String, String> producer;
    private final Thread thread;
    private volatile boolean running = true;

    public ScriptedWorker(Function<SubtaskDispatch, List<AgentEvent>> script) {
        this.script = script;
        producer = TopicWriter.producer();
        thread = new Thread(this::run, "scripted-worker");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CohortInfra.kafkaBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "scripted-worker-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "300");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(Pattern.compile(Pattern.quote(Topics.DISPATCH_PREFIX) + ".*"));
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    SubtaskDispatch dispatch = EventCodec.decode(r.value(), SubtaskDispatch.class);
                    received.add(dispatch);
                    for (AgentEvent event : script.apply(dispatch)) {
                        send(event);
                    }
                }
            }
        }
    }

    public void send(AgentEvent event) {
        producer.send(new ProducerRecord<>(Topics.AGENT_EVENTS, event.taskId(), EventCodec.encode(event)));
        producer.flush();
    }

    public List<SubtaskDispatch> receivedFor(String taskId) {
        return received.stream().filter(d -> d.taskId().equals(taskId)).toList();
    }

    public static AgentStarted started(SubtaskDispatch d) {
        return new AgentStarted(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), "scripted-1", d.role(), MODEL);
    }

    public static AgentCompleted completed(SubtaskDispatch d, String output) {
        return new AgentCompleted(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), "scripted-1", d.role(), MODEL,
                new StructuredSummary("done", List.of(d.title() + " finished"), null), List.of(),
                new Usage(10, 20, null, null), output, List.of());
    }

    static AgentCompleted completed(SubtaskDispatch d, String output, Usage usage, List<AgentMessage> messages) {
        return new AgentCompleted(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), "scripted-1", d.role(), MODEL,
                new StructuredSummary("done", List.of(d.title() + " finished"), null), List.of(), usage, output,
                messages);
    }

    /** A completion whose writes the context store kept as conflicts. */
    static AgentCompleted completedWithConflicts(SubtaskDispatch d, List<ConflictRef> conflicts) {
        return new AgentCompleted(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), "scripted-1", d.role(), MODEL,
                new StructuredSummary("done", List.of(d.title() + " finished"), null), List.of(),
                new Usage(10, 20, null, null), null, List.of(), conflicts);
    }

    static AgentFailed failed(SubtaskDispatch d, String reason) {
        return new AgentFailed(d.taskId(), d.subtaskId(), d.attempt(), d.leaseToken(), "scripted-1", d.role(), MODEL,
                FailureKind.SERVER_ERROR, reason, new Usage(5, 0, null, null));
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
