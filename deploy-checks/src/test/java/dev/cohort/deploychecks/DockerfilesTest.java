package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each Quarkus service has a JVM Dockerfile that runs its fast-jar, as a non-root user, on its own port. */
class DockerfilesTest {

    static Stream<String> appModules() {
        return Repo.apps().keySet().stream();
    }

    static List<String> instructions(Path dockerfile, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\s+(.+)$").matcher(Repo.read(dockerfile));
        return m.results().map(r -> r.group(1).trim()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("appModules")
    void runsTheFastJarOnTheServicePort(String module) {
        Repo.QuarkusApp app = Repo.app(module);
        Path dockerfile = app.dir().resolve(Repo.DOCKERFILE);
        assertTrue(Files.exists(dockerfile), module + " has no " + Repo.DOCKERFILE);

        List<String> from = instructions(dockerfile, "FROM");
        assertEquals(1, from.size(), dockerfile + ": one stage expected");
        assertTrue(from.get(0).matches("registry\\.access\\.redhat\\.com/ubi\\d+/openjdk-17(-runtime)?:[\\w.-]+"),
                dockerfile + ": not a pinned Red Hat UBI OpenJDK 17 image: " + from.get(0));

        assertEquals(List.of(String.valueOf(app.port())), instructions(dockerfile, "EXPOSE"),
                dockerfile + ": EXPOSE must be quarkus.http.port of " + module);

        List<String> user = instructions(dockerfile, "USER");
        assertFalse(user.isEmpty(), dockerfile + ": no USER, so it would run as the image's default");
        String last = user.get(user.size() - 1);
        assertFalse(last.equals("0") || last.equals("root") || last.startsWith("0:"), dockerfile + ": runs as root");

        // The four fast-jar folders, owned by the runtime user; a missing one fails at start, not at build.
        Set<String> copied = new TreeSet<>();
        for (String copy : instructions(dockerfile, "COPY")) {
            assertTrue(copy.startsWith("--chown=" + last + " "), dockerfile + ": COPY not owned by the USER: " + copy);
            copied.add(copy.split("\\s+")[1]);
        }
        assertEquals(Set.of("target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/",
                "target/quarkus-app/quarkus/"), copied, dockerfile + ": the fast-jar layout");
        assertTrue(Repo.read(dockerfile).contains("JAVA_APP_JAR=\"/deployments/quarkus-run.jar\""),
                dockerfile + ": JAVA_APP_JAR must name quarkus-run.jar");
        assertTrue(Repo.read(dockerfile).contains("-Dquarkus.http.host=0.0.0.0"),
                dockerfile + ": must listen on every interface in a container");
    }

    @Test
    void everyServiceUsesTheSameBaseImage() {
        Set<String> bases = new TreeSet<>();
        for (Repo.QuarkusApp app : Repo.apps().values()) {
            Path dockerfile = app.dir().resolve(Repo.DOCKERFILE);
            if (Files.exists(dockerfile)) {
                bases.addAll(instructions(dockerfile, "FROM"));
            }
        }
        // One base image to patch when a JDK or OS fix ships.
        assertEquals(1, bases.size(), "the Dockerfiles use different base images: " + bases);
    }
}
