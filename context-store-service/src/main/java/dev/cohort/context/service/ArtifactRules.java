package dev.cohort.context.service;

import dev.cohort.context.api.Limits;
import dev.cohort.context.config.ContextStoreConfig;
import dev.cohort.contracts.model.ArtifactKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules a value's shape must follow, each failing with a message that says what to change. REST requests are held
 * to them through their constraints ({@code dev.cohort.context.rest.ArtifactRule}, {@code Text}); task events and the
 * export call them directly.
 */
@ApplicationScoped
public class ArtifactRules {

    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");
    private static final Pattern CHECKPOINT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9][\\w.+-]*/[A-Za-z0-9][\\w.+-]*(\\s*;.*)?");
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private final int maxContentBytes;

    @Inject
    public ArtifactRules(ContextStoreConfig config) {
        this(config.maxContentBytes());
    }

    ArtifactRules(int maxContentBytes) {
        this.maxContentBytes = maxContentBytes;
    }

    public String taskId(String taskId) {
        if (taskId != null && taskId.length() > Limits.TASK_ID) {
            throw ContextStoreException.invalid("invalid-task-id", "task id is " + taskId.length()
                    + " characters; at most " + Limits.TASK_ID + " are allowed");
        }
        if (taskId == null || !TASK_ID.matcher(taskId).matches()) {
            throw ContextStoreException.invalid("invalid-task-id", "task id '" + printable(taskId)
                    + "' must be 1-100 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        return taskId;
    }

    /** A key is a relative path that stays inside an export directory and prints safely. */
    public String key(String key) {
        if (key == null || key.isEmpty()) {
            throw ContextStoreException.invalid("invalid-key", "field 'key' is required, e.g. 'src/main/java/App.java'");
        }
        if (key.length() > Limits.KEY) {
            throw ContextStoreException.invalid("invalid-key",
                    "field 'key' is " + key.length() + " characters; at most " + Limits.KEY + " are allowed");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || c == '\u2028' || c == '\u2029') {
                throw ContextStoreException.invalid("invalid-key", String.format(
                        "key contains the control character U+%04X at position %d; use printable characters only", (int) c, i));
            }
        }
        if (key.startsWith("/") || DRIVE.matcher(key).matches()) {
            throw ContextStoreException.invalid("invalid-key",
                    "key '" + key + "' is an absolute path; use a relative path such as 'src/App.java'");
        }
        if (key.indexOf('\\') >= 0) {
            throw ContextStoreException.invalid("invalid-key", "key '" + key + "' contains '\\'; separate segments with '/'");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                throw ContextStoreException.invalid("invalid-key",
                        "key '" + key + "' contains a '" + segment + "' segment; keys must not navigate the path");
            }
            if (segment.isEmpty() || segment.isBlank()) {
                throw ContextStoreException.invalid("invalid-key",
                        "key '" + key + "' has an empty segment (a trailing '/' or '//'); remove it");
            }
        }
        return key;
    }

    /** A media type, if given (absent or blank is left to the caller's default). */
    public String mediaType(String mediaType) {
        if (mediaType == null || mediaType.isBlank()) {
            return mediaType;
        }
        if (mediaType.length() > Limits.MEDIA_TYPE) {
            throw ContextStoreException.invalid("invalid-media-type", "field 'mediaType' is " + mediaType.length()
                    + " characters; at most " + Limits.MEDIA_TYPE + " are allowed");
        }
        if (!MEDIA_TYPE.matcher(mediaType).matches()) {
            throw ContextStoreException.invalid("invalid-media-type",
                    "media type '" + printable(mediaType) + "' is not of the form type/subtype, e.g. 'text/x-java'");
        }
        return mediaType;
    }

    /** The content's size in bytes of UTF-8, refused over the configured limit. */
    public long contentSize(String content) {
        int nul = content.indexOf('\u0000');
        if (nul >= 0) {
            throw ContextStoreException.invalid("invalid-content", "content has a NUL character (U+0000) at position "
                    + nul + ", which text artifacts cannot hold; encode binary content, e.g. as base64");
        }
        long size = content.getBytes(StandardCharsets.UTF_8).length;
        int max = maxContentBytes;
        if (size > max) {
            throw ContextStoreException.tooLarge("content is " + size + " bytes; the limit is " + max
                            + " bytes (cohort.context.max-content-bytes). Split the artifact into several keys.",
                    Map.of("limitBytes", max, "sizeBytes", size));
        }
        return size;
    }

    public ArtifactKind kind(ArtifactKind kind) {
        if (kind == null) {
            throw ContextStoreException.invalid("missing-field", "field 'kind' is required; one of: " + String.join(", ",
                    Arrays.stream(ArtifactKind.values()).map(ArtifactKind::id).toList()));
        }
        return kind;
    }

    public String required(String value, String field, int maxLength) {
        if (value == null || value.isBlank()) {
            throw ContextStoreException.invalid("missing-field", "field '" + field + "' is required");
        }
        return optional(value, field, maxLength);
    }

    public String optional(String value, String field, int maxLength) {
        String problem = textProblem(value, maxLength);
        if (problem != null) {
            throw ContextStoreException.invalid("invalid-field", "field '" + field + "' " + problem);
        }
        return present(value);
    }

    /** What keeps a text field from being stored (too long, a NUL), to follow its name; null when nothing does. */
    public static String textProblem(String value, int maxLength) {
        if (value == null) {
            return null;
        }
        if (value.length() > maxLength) {
            return "is " + value.length() + " characters; at most " + maxLength + " are allowed";
        }
        int nul = value.indexOf('\u0000');
        // PostgreSQL text cannot hold it; refused here rather than failing the write
        return nul < 0 ? null : "has a NUL character (U+0000) at position " + nul + ", which cannot be stored";
    }

    /** The value, or null when it is absent or blank. */
    public static String present(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    public String checkpointName(String name) {
        if (name != null && name.length() > Limits.CHECKPOINT_NAME) {
            throw ContextStoreException.invalid("invalid-checkpoint-name", "field 'name' is " + name.length()
                    + " characters; at most " + Limits.CHECKPOINT_NAME + " are allowed");
        }
        if (name == null || !CHECKPOINT_NAME.matcher(name).matches()) {
            throw ContextStoreException.invalid("invalid-checkpoint-name", "checkpoint name '" + printable(name)
                    + "' must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    private static String printable(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(120).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
