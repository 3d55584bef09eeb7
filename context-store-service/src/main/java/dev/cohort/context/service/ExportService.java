package dev.cohort.context.service;

import dev.cohort.context.model.ArtifactVersionEntity;
import dev.cohort.context.repository.ArtifactVersionRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The latest content of a task's live artifacts as a zip, one entry per key at the key's path. */
@ApplicationScoped
public class ExportService {

    private final ArtifactRules rules;
    private final ArtifactService artifacts;
    private final ArtifactVersionRepository versions;

    public ExportService(ArtifactRules rules, ArtifactService artifacts, ArtifactVersionRepository versions) {
        this.rules = rules;
        this.artifacts = artifacts;
        this.versions = versions;
    }

    @WithSession
    public Uni<byte[]> exportZip(String taskId) {
        return artifacts.requireTask(taskId)
                .chain(() -> versions.latest(taskId))
                .map(this::zip);
    }

    private byte[] zip(List<ArtifactVersionEntity> latest) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
            for (ArtifactVersionEntity v : latest) {
                String path = safePath(v.key);
                if (path == null) {
                    Log.warnf("export of task %s skips key %s: not a safe relative path", v.taskId, v.key);
                    continue;
                }
                ZipEntry entry = new ZipEntry(path);
                entry.setTime(v.createdAt.toEpochMilli());
                entry.setComment("version " + v.version + ", " + v.body.kind().id() + ", " + v.body.mediaType());
                zip.putNextEntry(entry);
                zip.write(v.body.content().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build zip in memory", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Keys were checked when stored; this checks again so that an entry can never leave the directory it is
     * extracted into, whatever rules were in force when the key was written.
     */
    private String safePath(String key) {
        try {
            rules.key(key);
        } catch (ContextStoreException e) {
            return null;
        }
        Path normalized = Path.of("export").resolve(key).normalize();
        return normalized.startsWith("export") && !normalized.equals(Path.of("export")) ? key : null;
    }
}
