package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every YAML file under deploy/ parses, without duplicate keys, and each Kubernetes document names itself. */
class YamlFilesTest {

    static Stream<Path> yamlFiles() {
        List<Path> files = Repo.yamlFiles(Repo.DEPLOY);
        assertFalse(files.isEmpty(), "no YAML under deploy/");
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("yamlFiles")
    void parses(Path file) {
        List<Map<String, Object>> docs = Repo.documents(file);
        assertFalse(docs.isEmpty(), file + " holds no document");
        if (file.startsWith(Repo.K8S_DIR)) {
            for (Map<String, Object> doc : docs) {
                assertNotNull(doc.get("apiVersion"), file + ": a document without apiVersion");
                assertNotNull(doc.get("kind"), file + ": a document without kind");
                if (!"Kustomization".equals(doc.get("kind"))) {
                    assertTrue(Repo.at(doc, "metadata", "name") instanceof String,
                            file + ": a " + doc.get("kind") + " without metadata.name");
                }
            }
        }
    }
}
