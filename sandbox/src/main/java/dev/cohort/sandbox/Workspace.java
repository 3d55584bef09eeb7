package dev.cohort.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** The host-side copy of a workspace: checked paths written into a fresh directory, deleted after the run. */
final class Workspace {

    /** The directory of a run's copy that holds the workspace files. */
    static final String FILES = "workspace";
    /** The file of a run's copy shown as {@code /etc/passwd}. */
    static final String PASSWD = "passwd";
    /** The file of a run's copy shown as {@code /etc/group}. */
    static final String GROUP = "group";

    private Workspace() {
    }

    /**
     * The paths of {@code files} in normal form ({@code ./a//b} becomes {@code a/b}), each with its content.
     *
     * @throws IllegalArgumentException when a path is empty, absolute, contains {@code ..} or NUL, names a directory,
     *                                  comes twice, or lies below another file; or when a content is missing
     */
    static Map<String, String> check(Map<String, String> files) {
        if (files == null) {
            throw new IllegalArgumentException("the workspace files are required (an empty map is fine)");
        }
        Map<String, String> checked = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : files.entrySet()) {
            String path = normalise(entry.getKey());
            if (entry.getValue() == null) {
                throw new IllegalArgumentException("workspace path '" + path + "' has no content");
            }
            if (checked.put(path, entry.getValue()) != null) {
                throw new IllegalArgumentException("workspace path '" + path + "' is given twice");
            }
        }
        for (String path : checked.keySet()) {
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                if (checked.containsKey(path.substring(0, slash))) {
                    throw new IllegalArgumentException("workspace path '" + path + "' lies below the file '"
                            + path.substring(0, slash) + "'");
                }
            }
        }
        return checked;
    }

    /** {@code path} in normal form, or an {@link IllegalArgumentException} that says what is wrong with it. */
    static String normalise(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("a workspace path is empty");
        }
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("workspace path '" + path.replace('\0', '?') + "' contains NUL");
        }
        if (path.startsWith("/")) {
            throw new IllegalArgumentException("workspace path '" + path
                    + "' is absolute; paths are relative to the workspace root");
        }
        if (path.endsWith("/")) {
            throw new IllegalArgumentException("workspace path '" + path + "' names a directory, not a file");
        }
        StringBuilder normal = new StringBuilder();
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                throw new IllegalArgumentException("workspace path '" + path
                        + "' contains '..'; paths must stay inside the workspace");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (!normal.isEmpty()) {
                normal.append('/');
            }
            normal.append(segment);
        }
        if (normal.isEmpty()) {
            throw new IllegalArgumentException("workspace path '" + path + "' names the workspace root, not a file");
        }
        return normal.toString();
    }

    /**
     * A new directory under {@code root} for one run: {@link #FILES} holds {@code files} (already
     * {@linkplain #check checked}), where files that start with {@code #!} are executable, and {@link #PASSWD} and
     * {@link #GROUP} name the sandbox's user. With {@code ownerUid} at least 0, everything is given to that uid and
     * gid.
     */
    static Path materialise(Path root, Map<String, String> files, int ownerUid) throws IOException {
        Path dir = Files.createTempDirectory(root, "cohort-sandbox-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Files.createDirectory(dir.resolve(FILES));
            Files.writeString(dir.resolve(PASSWD), "nobody:x:%1$d:%1$d:nobody:%2$s:/bin/sh%n"
                    .formatted(Sandbox.SANDBOX_ID, Sandbox.WORKSPACE));
            Files.writeString(dir.resolve(GROUP), "nogroup:x:%d:%n".formatted(Sandbox.SANDBOX_ID));
            for (Map.Entry<String, String> entry : files.entrySet()) {
                Path file = dir.resolve(FILES).resolve(entry.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, entry.getValue(), StandardCharsets.UTF_8);
                if (entry.getValue().startsWith("#!")) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            if (ownerUid >= 0) {
                Set<Path> all = new HashSet<>();
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.forEach(all::add);
                }
                for (Path path : all) {
                    Files.setAttribute(path, "unix:uid", ownerUid, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(path, "unix:gid", ownerUid, LinkOption.NOFOLLOW_LINKS);
                }
            }
            return dir;
        } catch (IOException | RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    /** Deletes {@code dir} and everything in it without following links, whatever the command left there. */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
                    throws IOException {
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
