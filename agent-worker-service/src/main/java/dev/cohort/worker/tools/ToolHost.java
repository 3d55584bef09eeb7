package dev.cohort.worker.tools;

import dev.cohort.contracts.event.AgentMessage;
import dev.cohort.contracts.event.AgentToolCalled;
import dev.cohort.contracts.model.ArtifactKind;
import dev.cohort.worker.context.ContextStoreClient.Listed;
import dev.cohort.worker.context.ContextStoreClient.Stored;
import dev.cohort.worker.context.ContextStoreClient.Written;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a tool loop's tools act on, for one attempt: the task's artifacts in the context store (each call waiting out
 * a short outage, as the attempt's other calls do), its messages, the sandbox, and the attempt's events.
 */
public interface ToolHost {

    /** The task's live artifacts whose keys start with {@code prefix}. */
    List<Listed> list(String prefix);

    /** An artifact's latest version, or the one asked for; empty when there is none. */
    Optional<Stored> read(String key, Long version);

    /** Writes a new version based on {@code baseVersion}; a stale base is kept by the store as a conflict. */
    Written write(String key, ArtifactKind kind, String mediaType, String content, long baseVersion);

    /** The task's live artifacts as files (key to content), for the sandbox. */
    Map<String, String> files();

    /** Sends a message now. */
    void send(AgentMessage message);

    /** The answer to a question sent earlier, waiting up to {@code timeout}; empty when none came. */
    Optional<String> answer(String questionId, Duration timeout);

    /** Publishes the record of a tool call. */
    void toolCalled(AgentToolCalled event);
}
