package dev.cohort.worker.messaging;

import dev.cohort.contracts.EventCodec;
import dev.cohort.contracts.InvalidEventException;
import dev.cohort.contracts.event.SubtaskStateChanged;
import dev.cohort.contracts.event.TaskCancelled;
import dev.cohort.contracts.event.TaskEvent;
import dev.cohort.contracts.event.TaskFailed;
import dev.cohort.contracts.event.TaskPaused;
import dev.cohort.contracts.model.SubtaskStatus;
import dev.cohort.worker.service.RunningAttempts;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Stops model calls that no longer count: the task was paused, cancelled or failed, or the orchestrator took the
 * subtask's attempt back. Every worker instance reads the task events (its own consumer group, from the latest).
 */
@ApplicationScoped
public class TaskControlListener {

    public static final String CHANNEL = "task-control";

    private final RunningAttempts running;

    public TaskControlListener(RunningAttempts running) {
        this.running = running;
    }

    /**
     * Applies one task event and acknowledges it whatever happens: a record this worker cannot read or apply is
     * logged and passed over, so it never stops the stream (and with it every later pause or cancel).
     */
    @Incoming(CHANNEL)
    public CompletionStage<Void> onTaskEvent(Message<String> message) {
        try {
            apply(EventCodec.decode(message.getPayload(), TaskEvent.class));
        } catch (InvalidEventException e) {
            // Task events are the orchestrator's; one this worker cannot read is not its to stop on.
            Log.warnf("Ignoring an unreadable task event %s: %s", where(message), e.getMessage());
        } catch (RuntimeException e) {
            Log.errorf(e, "Could not apply task event %s", where(message));
        }
        return message.ack();
    }

    private void apply(TaskEvent event) {
        if (event instanceof TaskPaused || event instanceof TaskCancelled || event instanceof TaskFailed) {
            int n = running.cancelTask(event.taskId(), event.occurredAt(), event.type());
            if (n > 0) {
                Log.infof("Stopped %d attempt(s) of task %s: %s", n, event.taskId(), event.type());
            }
        } else if (event instanceof SubtaskStateChanged changed
                && changed.status() != SubtaskStatus.RUNNING && changed.status() != SubtaskStatus.DISPATCHED
                && changed.status() != SubtaskStatus.DONE) {
            if (running.cancelAttempt(changed.subtaskId(), changed.attempt(), "subtask " + changed.status().id())) {
                Log.infof("Stopped attempt %d of subtask %s: %s", changed.attempt(), changed.subtaskId(),
                        changed.status().id());
            }
        }
    }

    private static String where(Message<String> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getTopic() + ":" + m.getPartition() + ":" + m.getOffset())
                .orElse("(no record metadata)");
    }
}
