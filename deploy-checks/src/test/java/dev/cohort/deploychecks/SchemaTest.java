package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The manifests and the compose file against JSON schemas of the fields Cohort uses (src/test/resources/schemas).
 * The schemas are closed where Kubernetes, KEDA or Compose would silently ignore a misspelt key.
 */
class SchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema KUBERNETES = schema("kubernetes.schema.json");
    private static final Schema COMPOSE = schema("compose.schema.json");

    private static Schema schema(String name) {
        try (InputStream in = SchemaTest.class.getResourceAsStream("/schemas/" + name)) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<KubernetesTest.Resource> manifests() {
        return KubernetesTest.resources().stream();
    }

    private static List<String> errors(Schema schema, JsonNode node) {
        return schema.validate(node).stream().map(Error::toString).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void kubernetesResourceMatchesItsSchema(KubernetesTest.Resource resource) {
        List<String> errors = errors(KUBERNETES, JSON.valueToTree(resource.doc()));
        assertTrue(errors.isEmpty(), resource + ": " + errors);
    }

    @Test
    void composeFileMatchesItsSchema() {
        List<String> errors = errors(COMPOSE, JSON.valueToTree(Repo.documents(ComposeTest.FILE).get(0)));
        assertTrue(errors.isEmpty(), ComposeTest.FILE + ": " + errors);
    }

    /** The schemas must catch the mistakes they exist for; an always-passing schema would make the tests above empty. */
    @Test
    void schemasRejectAMisspeltProbeAndAnUnknownServiceKey() {
        KubernetesTest.Resource deployment = KubernetesTest.ofKind("Deployment").get(0);
        ObjectNode broken = JSON.valueToTree(deployment.doc());
        ObjectNode container = (ObjectNode) broken.at("/spec/template/spec/containers/0");
        container.set("readinessProbes", container.remove("readinessProbe"));
        assertFalse(errors(KUBERNETES, broken).isEmpty(), "a misspelt readinessProbe passed the schema");

        ObjectNode compose = JSON.valueToTree(Repo.documents(ComposeTest.FILE).get(0));
        ((ObjectNode) compose.at("/services/kafka")).put("depends-on", "postgres");
        assertFalse(errors(COMPOSE, compose).isEmpty(), "an unknown compose key passed the schema");
    }
}
