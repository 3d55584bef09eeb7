package dev.cohort.dashboard;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.Topics;
import dev.cohort.contracts.event.AgentEvent;
import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.ArtifactEvent;
import dev.cohort.contracts.event.CohortEvent;
import dev.cohort.contracts.event.TaskEvent;
import dev.cohort.testsupport.TopicWriter;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Produces events to the real broker the way the services do: on their topic, keyed by task id. */
public final class TestEvents implements AutoCloseable {

    private final KafkaProducer<String, String> producer;

    public TestEvents() {
        producer = TopicWriter.producer();
    }

    public static String topicOf(CohortEvent event) {
        if (event instanceof TaskEvent) {
            return Topics.TASK_EVENTS;
        }
        if (event instanceof AgentEvent) {
            return Topics.AGENT_EVENTS;
        }
        if (event instanceof ArtifactEvent) {
            return Topics.ARTIFACT_EVENTS;
        }
        if (event instanceof AgentMessage) {
            return Topics.AGENT_MESSAGES;
        }
        throw new IllegalArgumentException("not an event the dashboard streams: " + event.type());
    }

    /** Sends and waits until the broker has it. */
    public TestEvents send(CohortEvent... events) {
        for (CohortEvent event : events) {
            try {
                producer.send(new ProducerRecord<>(topicOf(event), event.taskId(), EventCodec.encode(event))).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot send " + event.type(), e.getCause());
            }
        }
        return this;
    }

    @Override
    public void close() {
        producer.close();
    }
}
