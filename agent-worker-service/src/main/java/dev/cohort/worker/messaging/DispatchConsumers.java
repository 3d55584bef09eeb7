package dev.cohort.worker.messaging;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Failures;
import dev.cohort.contracts.InvalidEventException;
import dev.cohort.contracts.KafkaConnection;
import dev.cohort.contracts.TaskTrace;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.SubtaskDispatch;
import dev.cohort.contracts.model.Role;
import dev.cohort.worker.config.WorkerConfig;
import dev.cohort.worker.service.ReportNotSentException;
import dev.cohort.worker.service.SubtaskRunner;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Takes work from the dispatch topics of the roles this worker serves, through one Kafka share group per role, so
 * any number of replicas share a role's queue. Each slot holds one record at a time and acknowledges it only after
 * the result is on Kafka. If this process dies, the broker delivers the record again, to another worker, once the
 * record's lock runs out (the share group's record lock duration, set longer than a typical model call); sooner,
 * the orchestrator reclaims the attempt when its heartbeats stop. Either way the subtask completes elsewhere, and
 * fencing discards whatever the older attempt still reports.
 */
@ApplicationScoped
public class DispatchConsumers {

    private final WorkerConfig config;
    private final SubtaskRunner runner;
    /** The service's {@code kafka.*} settings: the clients built here reach and log in to the broker as the channels do. */
    private final Map<String, Object> kafka;
    private final List<Slot> slots = new ArrayList<>();
    private ExecutorService threads;
    private KafkaProducer<String, String> deadLetters;
    private final Tracer tracer;

    public DispatchConsumers(WorkerConfig config, SubtaskRunner runner,
                             @Identifier("default-kafka-broker") Map<String, Object> kafka, Tracer tracer) {
        this.config = config;
        this.runner = runner;
        this.kafka = kafka;
        this.tracer = tracer;
    }

    void start(@Observes StartupEvent event) {
        int perRole = Math.max(1, config.concurrency());
        threads = Executors.newFixedThreadPool(config.roles().size() * perRole * 2, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        deadLetters = new KafkaProducer<>(producerConfig());
        startGroupsFromEarliest();
        for (Role role : config.roles()) {
            for (int i = 0; i < perRole; i++) {
                Slot slot = new Slot(role, i);
                slots.add(slot);
                threads.execute(slot);
            }
        }
        Log.infof("Serving roles %s with %d slot(s) each", config.roles(), perRole);
    }

    void stop(@Observes ShutdownEvent event) {
        slots.forEach(Slot::stop);
        if (threads != null) {
            // Let each slot close its consumer (releasing its records to other workers) before the pool goes.
            threads.shutdown();
            try {
                threads.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            threads.shutdownNow();
        }
        if (deadLetters != null) {
            deadLetters.close(Duration.ofSeconds(5));
        }
    }

    /** True while every slot polls (a slot ends only when the worker stops). */
    public boolean running() {
        return !slots.isEmpty() && slots.stream().allMatch(s -> s.alive);
    }

    public List<Role> roles() {
        return config.roles();
    }

    private final class Slot implements Runnable {

        private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
        private static final Duration MAX_PAUSE = Duration.ofSeconds(10);

        private final Role role;
        private final String name;
        private final CountDownLatch stopping = new CountDownLatch(1);
        private volatile KafkaShareConsumer<String, String> consumer;
        private volatile boolean stopped;
        private volatile boolean alive = true;

        Slot(Role role, int index) {
            this.role = role;
            this.name = "dispatch-" + role.id() + "-" + index;
        }

        /**
         * Polls until stopped. Nothing else ends the loop: a failed poll (the broker away, a consumer in a bad
         * state) is logged and followed by a pause and a fresh consumer, and every record is handled on its own.
         */
        @Override
        public void run() {
            Thread.currentThread().setName(name);
            int failedPolls = 0;
            try {
                while (!stopped && !Thread.currentThread().isInterrupted()) {
                    try {
                        if (consumer == null) {
                            consumer = new KafkaShareConsumer<>(consumerConfig(role, name));
                            consumer.subscribe(List.of(Topics.dispatch(role)));
                        }
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                            consumer.acknowledge(record, handleSafely(record));
                        }
                        if (failedPolls > 0) {
                            Log.infof("Dispatch consumer %s polls again after %d failure(s)", name, failedPolls);
                            failedPolls = 0;
                        }
                    } catch (WakeupException | InterruptException e) {
                        // stopping, or a stray wake-up: the loop condition decides
                    } catch (RuntimeException e) {
                        failedPolls++;
                        Duration pause = pause(failedPolls);
                        if (failedPolls == 1 || failedPolls % 10 == 0) {
                            Log.errorf("Dispatch consumer %s failed (%d in a row), polling again in %d ms with a new "
                                    + "consumer: %s", name, failedPolls, pause.toMillis(), Failures.describe(e));
                        }
                        close();
                        sleep(pause);
                    }
                }
            } finally {
                alive = false;
                // An interrupted close would drop the acknowledgements still to send, a release among them.
                boolean interrupted = Thread.interrupted();
                close();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** The acknowledgement for a record; a failure of one record never reaches the poll loop. */
        private AcknowledgeType handleSafely(ConsumerRecord<String, String> record) {
            try {
                return handle(record);
            } catch (RuntimeException e) {
                Log.errorf(e, "Could not handle dispatch %s:%d:%d; accepting it, the orchestrator's lease takes it "
                        + "from here", record.topic(), record.partition(), record.offset());
                return AcknowledgeType.ACCEPT;
            }
        }

        private AcknowledgeType handle(ConsumerRecord<String, String> record) {
            SubtaskDispatch dispatch;
            try {
                dispatch = EventCodec.decode(record.value(), SubtaskDispatch.class);
            } catch (InvalidEventException e) {
                deadLetter(record, e.getMessage());
                return AcknowledgeType.REJECT;
            }
            Span span = processSpan(record, dispatch);
            boolean firstDelivery = record.deliveryCount().map(count -> count <= 1).orElse(false);
            Future<?> attempt;
            try {
                attempt = threads.submit(Context.current().with(span).wrap(() -> runner.run(dispatch, firstDelivery)));
            } catch (RejectedExecutionException e) {
                span.end();
                return AcknowledgeType.RELEASE; // shutting down: another worker takes it
            }
            try {
                attempt.get();
                return AcknowledgeType.ACCEPT;
            } catch (InterruptedException e) {
                attempt.cancel(true);
                Thread.currentThread().interrupt();
                return AcknowledgeType.RELEASE;
            } catch (ExecutionException e) {
                span.recordException(e.getCause());
                span.setStatus(StatusCode.ERROR, String.valueOf(e.getCause().getMessage()));
                return afterFailure(dispatch, e.getCause());
            } finally {
                span.end();
            }
        }

        /**
         * The span of one attempt on this worker, a child of the dispatch record's producer span (W3C headers), else of
         * the task's root: its model calls, tool calls, context-store requests and reports go under it.
         */
        private Span processSpan(ConsumerRecord<String, String> record, SubtaskDispatch dispatch) {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (Header header : record.headers()) {
                if (header.value() != null) {
                    headers.add(Map.entry(header.key(), new String(header.value(), StandardCharsets.UTF_8)));
                }
            }
            return tracer.spanBuilder(record.topic() + " process").setSpanKind(SpanKind.CONSUMER)
                    .setParent(TaskTrace.fromHeaders(headers, dispatch.taskId()))
                    .setAttribute("messaging.system", "kafka")
                    .setAttribute("messaging.operation.type", "process")
                    .setAttribute("messaging.destination.name", record.topic())
                    .setAttribute("messaging.destination.partition.id", Integer.toString(record.partition()))
                    .setAttribute("messaging.kafka.offset", record.offset())
                    .setAttribute(TaskTrace.TASK_ID_ATTRIBUTE, dispatch.taskId())
                    .setAttribute("cohort.subtask.id", dispatch.subtaskId())
                    .setAttribute("cohort.attempt", dispatch.attempt())
                    .setAttribute("cohort.role", role.id())
                    .setAttribute("cohort.dispatch.delivery_count",
                            record.deliveryCount().map(Short::intValue).orElse(1))
                    .startSpan();
        }

        /**
         * A dispatch whose run threw. Delivering it again would run the same attempt again, maybe calling the model a
         * second time, so it is accepted and the orchestrator's lease reclaims the attempt. The exception is a report
         * that never left before the attempt started: no lease exists yet and nothing ran, so it is released.
         */
        private AcknowledgeType afterFailure(SubtaskDispatch dispatch, Throwable failure) {
            if (failure instanceof ReportNotSentException lost) {
                return lost.leaseHeld() ? AcknowledgeType.ACCEPT : AcknowledgeType.RELEASE;
            }
            Log.errorf(failure, "Attempt %d of %s (task %s) ended with an error; accepting its dispatch, the "
                    + "orchestrator's lease takes it from here", dispatch.attempt(), dispatch.title(),
                    dispatch.taskId());
            return AcknowledgeType.ACCEPT;
        }

        private Duration pause(int failures) {
            long millis = FIRST_PAUSE.toMillis() << Math.min(failures - 1, 10);
            return Duration.ofMillis(Math.min(millis, MAX_PAUSE.toMillis()));
        }

        private void sleep(Duration pause) {
            try {
                stopping.await(pause.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Closes the consumer, releasing records it holds to other workers. */
        private void close() {
            KafkaShareConsumer<String, String> closing = consumer;
            consumer = null;
            if (closing != null) {
                try {
                    closing.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    Log.debugf("Closing dispatch consumer %s: %s", name, e.getMessage());
                }
            }
        }

        void stop() {
            stopped = true;
            stopping.countDown();
            KafkaShareConsumer<String, String> current = consumer;
            if (current != null) {
                current.wakeup();
            }
        }
    }

    /**
     * A share group starts at the latest record by default, which would skip dispatches sent before the role's first
     * worker joined. Earlier records that are no longer current are skipped cheaply (see SubtaskRunner).
     */
    private void startGroupsFromEarliest() {
        try (Admin admin = Admin.create(KafkaConnection.of(kafka))) {
            Map<ConfigResource, java.util.Collection<AlterConfigOp>> changes = new HashMap<>();
            for (Role role : config.roles()) {
                changes.put(new ConfigResource(ConfigResource.Type.GROUP, config.shareGroupPrefix() + role.id()),
                        List.of(new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
                                AlterConfigOp.OpType.SET)));
            }
            admin.incrementalAlterConfigs(changes).all().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            Log.warnf("Could not make the share groups start from the earliest dispatch (%s); dispatches sent "
                    + "before a role's first worker joined may wait for their lease to be reclaimed", e.getMessage());
        }
    }

    private void deadLetter(ConsumerRecord<String, String> record, String reason) {
        String where = record.topic() + ":" + record.partition() + ":" + record.offset();
        Log.warnf("Dead-lettering unreadable dispatch %s: %s", where, reason);
        ProducerRecord<String, String> dead = new ProducerRecord<>(Topics.DEAD_LETTER, record.key(), record.value());
        dead.headers().add(Topics.DEAD_LETTER_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add(Topics.DEAD_LETTER_TOPIC_HEADER, record.topic().getBytes(StandardCharsets.UTF_8));
        dead.headers().add(Topics.DEAD_LETTER_PARTITION_HEADER,
                Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add(Topics.DEAD_LETTER_OFFSET_HEADER, Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        deadLetters.send(dead, (sent, failure) -> {
            if (failure != null) {
                Log.errorf("Could not dead-letter dispatch %s: %s", where, Failures.describe(failure));
            }
        });
    }

    private Properties consumerConfig(Role role, String clientId) {
        Properties p = KafkaConnection.of(kafka);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.shareGroupPrefix() + role.id());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        p.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        return p;
    }

    private Properties producerConfig() {
        Properties p = KafkaConnection.of(kafka);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }
}
