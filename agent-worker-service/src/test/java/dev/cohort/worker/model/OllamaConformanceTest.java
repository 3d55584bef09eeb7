package dev.cohort.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import dev.cohort.worker.model.ollama.OllamaModelProvider;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Ollama provider against request and answer samples shaped as Ollama's API documentation shows them. */
@QuarkusTest
class OllamaConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private FixtureServer server;

    @BeforeEach
    void start() {
        server = new FixtureServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void sendsAStreamingChatRequestWithOptionsAndKeepAlive() throws Exception {
        server.answer("/api/chat", 200, "application/x-ndjson", "ollama/chat-stream.ndjson");
        ModelRequest request = new ModelRequest(new ModelRef(Provider.OLLAMA, "qwen2.5-coder:7b"),
                List.of(ChatMessage.system("You are a backend developer."), ChatMessage.user("Why is the sky blue?")),
                0.2, 512, 8192, null, null, true, List.of(), null);

        provider("10m").chat(request, TokenListener.NONE).await().atMost(WAIT);

        JsonAssert.assertSameJson(FixtureServer.fixture("ollama/chat-request-stream.json"), server.last().body());
    }

    @Test
    void readsADocumentedStream() {
        server.answer("/api/chat", 200, "application/x-ndjson", "ollama/chat-stream.ndjson");
        Recorder recorder = new Recorder();

        ModelResponse response = provider("10m").chat(streaming("qwen2.5-coder:7b"), recorder).await().atMost(WAIT);

        assertEquals("The sky is blue because of Rayleigh scattering.", response.text());
        assertEquals(List.of("The", " sky", " is", " blue", " because of Rayleigh scattering."), recorder.pieces);
        assertEquals(26, response.usage().promptTokens());
        assertEquals(282, response.usage().completionTokens());
        assertEquals("stop", response.doneReason());
        assertEquals(new ModelRef(Provider.OLLAMA, "qwen2.5-coder:7b"), response.answeredBy());
    }

    @Test
    void sendsTheDocumentedStructuredOutputRequest() throws Exception {
        server.answer("/api/chat", 200, "application/json", "ollama/chat-response-structured.json");
        ModelRequest request = new ModelRequest(new ModelRef(Provider.OLLAMA, "llama3.1"),
                List.of(ChatMessage.user("Ollama is 22 years old and busy saving the world. Return a JSON object "
                        + "with the age and availability.")),
                0.0, null, null, JSON.readTree("""
                        {"type": "object",
                         "properties": {"age": {"type": "integer"}, "available": {"type": "boolean"}},
                         "required": ["age", "available"]}"""), "person", false, List.of(), null);

        ModelResponse response = provider(null).chat(request, TokenListener.NONE).await().atMost(WAIT);

        JsonAssert.assertSameJson(FixtureServer.fixture("ollama/chat-request-structured.json"), server.last().body());
        assertEquals(JSON.readTree("{\"age\": 22, \"available\": false}"), JSON.readTree(response.text()));
        assertEquals(34, response.usage().promptTokens());
        assertEquals(12, response.usage().completionTokens());
        assertEquals("stop", response.doneReason());
    }

    @Test
    void reportsTheDocumentedModelNotFoundError() {
        server.answer("/api/chat", 404, "application/json", "ollama/error-model-not-found.json");

        ModelCallException failure = assertThrows(ModelCallException.class,
                () -> provider("10m").chat(streaming("qwen2.5-coder:7b"), TokenListener.NONE).await().atMost(WAIT));

        assertEquals(FailureKind.BAD_REQUEST, failure.kind());
        assertFalse(failure.retryable());
        assertTrue(failure.getMessage().contains("not found, try pulling it first"), failure.getMessage());
        assertTrue(failure.getMessage().contains("ollama pull qwen2.5-coder:7b"), failure.getMessage());
    }

    @Test
    void sendsToolsAndAToolTurnTheDocumentedWay() throws Exception {
        server.answer("/api/chat", 200, "application/x-ndjson", "ollama/chat-stream-tools.ndjson");
        ToolCall call = ToolCall.ofJson(null, "get_temperature", JSON.readTree("{\"city\": \"New York\"}"));
        ModelRequest request = ModelRequest.of(new ModelRef(Provider.OLLAMA, "qwen3"), List.of(
                        ChatMessage.user("What is the temperature in New York?"),
                        ChatMessage.assistant("", List.of(call)),
                        ChatMessage.toolResult(call, "22°C")))
                .withTools(List.of(new ToolSpec("get_temperature", "Get the current temperature for a city",
                        JSON.readTree("""
                                {"type": "object", "required": ["city"],
                                 "properties": {"city": {"type": "string", "description": "The name of the city"}}}
                                """))));

        provider(null).chat(request, TokenListener.NONE).await().atMost(WAIT);

        JsonAssert.assertSameJson(FixtureServer.fixture("ollama/chat-request-tools.json"), server.last().body());
    }

    @Test
    void readsWholeToolCallsFromADocumentedStream() throws Exception {
        server.answer("/api/chat", 200, "application/x-ndjson", "ollama/chat-stream-tools.ndjson");

        ModelResponse response = provider(null).chat(streaming("qwen3"), TokenListener.NONE).await().atMost(WAIT);

        assertEquals(2, response.toolCalls().size());
        assertEquals("get_temperature", response.toolCalls().get(0).name());
        assertEquals(JSON.readTree("{\"city\": \"New York\"}"), response.toolCalls().get(0).arguments());
        assertEquals("get_conditions", response.toolCalls().get(1).name());
        assertTrue(response.toolCalls().get(0).id() != null, "a call without an id gets one to answer it by");
        assertEquals(219, response.usage().promptTokens());
        assertEquals(41, response.usage().completionTokens());
        assertEquals("", response.text());
    }

    private OllamaModelProvider provider(String keepAlive) {
        return new OllamaModelProvider(new ProviderSettings(Provider.OLLAMA, server.url(""),
                new ProviderSettings.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5),
                        Duration.ofSeconds(10)), null, null, null, keepAlive), PriceTable.EMPTY);
    }

    private static ModelRequest streaming(String model) {
        return ModelRequest.of(new ModelRef(Provider.OLLAMA, model), List.of(ChatMessage.user("Why is the sky blue?")));
    }
}
