package dev.cohort.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cohort.contracts.model.CostSource;
import dev.cohort.contracts.model.FailureKind;
import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import dev.cohort.worker.model.openrouter.OpenRouterModelProvider;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenRouter provider against request and answer samples shaped as OpenRouter's documentation shows them. */
@QuarkusTest
class OpenRouterConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PATH = "/api/v1/chat/completions";
    private static final String KEY = "sk-or-v1-conformance";

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
    void sendsTheDocumentedRequestAndHeaders() throws Exception {
        server.answer(PATH, 200, "text/event-stream", "openrouter/chat-completions-stream.sse");

        provider(KEY).chat(weatherRequest(), TokenListener.NONE).await().atMost(WAIT);

        JsonAssert.assertSameJson(FixtureServer.fixture("openrouter/chat-completions-request.json"), server.last().body());
        assertEquals("Bearer " + KEY, server.last().headers().get("Authorization"));
        assertEquals("https://example.org/cohort", server.last().headers().get("HTTP-Referer"));
        assertEquals("Cohort", server.last().headers().get("X-Title"));
    }

    @Test
    void readsADocumentedStreamWithCommentsUsageAndCost() {
        server.answer(PATH, 200, "text/event-stream", "openrouter/chat-completions-stream.sse");
        Recorder recorder = new Recorder();

        ModelResponse response = provider(KEY).chat(weatherRequest(), recorder).await().atMost(WAIT);

        assertEquals("{\"location\":\"London\",\"temperature\":18,\"conditions\":\"Partly cloudy\"}", response.text());
        assertEquals(3, recorder.pieces.size(), "keep-alive comments are not content");
        assertEquals(new ModelRef(Provider.OPENROUTER, "openai/gpt-4.1"), response.answeredBy(),
                "the fallback model answered");
        assertEquals(194, response.usage().promptTokens());
        assertEquals(21, response.usage().completionTokens());
        assertEquals(0, new BigDecimal("0.000556").compareTo(response.usage().costUsd()));
        assertEquals(CostSource.PROVIDER, response.usage().costSource());
        assertEquals("stop", response.doneReason());
    }

    @Test
    void readsADocumentedWholeCompletion() {
        server.answer(PATH, 200, "application/json", "openrouter/chat-completions-response.json");
        ModelRequest request = ModelRequest.of(new ModelRef(Provider.OPENROUTER, "anthropic/claude-sonnet-4"),
                List.of(ChatMessage.user("What is the weather like in London?"))).withStream(false);

        ModelResponse response = provider(KEY).chat(request, TokenListener.NONE).await().atMost(WAIT);

        assertEquals("London is mild and partly cloudy today.", response.text());
        assertEquals(30, response.usage().promptTokens());
        assertEquals(11, response.usage().completionTokens());
        assertEquals(0, new BigDecimal("0.000255").compareTo(response.usage().costUsd()));
    }

    @Test
    void sendsNoAuthorizationWithoutAKey() {
        server.answer(PATH, 401, "application/json", "openrouter/error-401.json");

        ModelCallException failure = failure(provider(null));

        assertNull(server.last().headers().get("Authorization"));
        assertEquals(FailureKind.AUTHENTICATION, failure.kind());
        assertFalse(failure.retryable());
        assertTrue(failure.getMessage().contains("No API key is set: export OPENROUTER_API_KEY"), failure.getMessage());
    }

    @Test
    void aRejectedKeySaysToReplaceItAndNeverShowsIt() {
        server.answer(PATH, 401, "application/json", "openrouter/error-401.json");

        ModelCallException failure = failure(provider(KEY));

        assertEquals(FailureKind.AUTHENTICATION, failure.kind());
        assertTrue(failure.getMessage().contains("No auth credentials found"), failure.getMessage());
        assertTrue(failure.getMessage().contains("set OPENROUTER_API_KEY to a valid key"), failure.getMessage());
        assertFalse(failure.getMessage().contains(KEY));
    }

    @Test
    void missingCreditsAreNotRetried() {
        server.answer(PATH, 402, "application/json", "openrouter/error-402.json");

        ModelCallException failure = failure(provider(KEY));

        assertEquals(FailureKind.AUTHENTICATION, failure.kind());
        assertFalse(failure.retryable());
        assertTrue(failure.getMessage().contains("insufficient credits"), failure.getMessage());
    }

    @Test
    void aRateLimitCarriesRetryAfter() {
        server.answer(PATH, 429, "application/json", "openrouter/error-429.json", Map.of("Retry-After", "7"));

        ModelCallException failure = failure(provider(KEY));

        assertEquals(FailureKind.RATE_LIMITED, failure.kind());
        assertTrue(failure.retryable());
        assertEquals(Duration.ofSeconds(7), failure.retryAfter());
    }

    @Test
    void anErrorAfterTheAnswerStartedIsAServerError() {
        server.answer(PATH, 200, "text/event-stream", "openrouter/stream-mid-error.sse");

        ModelCallException failure = failure(provider(KEY));

        assertEquals(FailureKind.SERVER_ERROR, failure.kind());
        assertTrue(failure.retryable());
        assertTrue(failure.getMessage().contains("Provider disconnected unexpectedly"), failure.getMessage());
    }

    @Test
    void sendsToolsAndAToolTurnTheDocumentedWay() throws Exception {
        server.answer(PATH, 200, "text/event-stream", "openrouter/chat-completions-tools-stream.sse");
        ToolCall call = ToolCall.ofText("call_abc123", "search_gutenberg_books",
                "{\"search_terms\": [\"James\", \"Joyce\"]}");
        ModelRequest request = ModelRequest.of(new ModelRef(Provider.OPENROUTER, "google/gemini-3-flash-preview"),
                        List.of(ChatMessage.user("What are the titles of some James Joyce books?"),
                                ChatMessage.assistant("", List.of(call)),
                                ChatMessage.toolResult(call, "[{\"id\": 4300, \"title\": \"Ulysses\"}]")))
                .withTools(List.of(new ToolSpec("search_gutenberg_books",
                        "Search for books in the Project Gutenberg library based on specified search terms",
                        JSON.readTree("""
                                {"type": "object",
                                 "properties": {"search_terms": {"type": "array", "items": {"type": "string"},
                                   "description": "List of search terms to find books in the Gutenberg library (e.g. ['dickens', 'great'] to search for books by Dickens with 'great' in the title)"}},
                                 "required": ["search_terms"]}
                                """))));

        provider(KEY).chat(request, TokenListener.NONE).await().atMost(WAIT);

        JsonAssert.assertSameJson(FixtureServer.fixture("openrouter/chat-completions-request-tools.json"),
                server.last().body());
    }

    @Test
    void joinsStreamedToolCallArgumentsByIndex() throws Exception {
        server.answer(PATH, 200, "text/event-stream", "openrouter/chat-completions-tools-stream.sse");

        ModelResponse response = provider(KEY).chat(ModelRequest.of(
                new ModelRef(Provider.OPENROUTER, "google/gemini-3-flash-preview"),
                List.of(ChatMessage.user("What are the titles of some James Joyce books?"))), TokenListener.NONE)
                .await().atMost(WAIT);

        assertEquals(2, response.toolCalls().size());
        ToolCall first = response.toolCalls().get(0);
        assertEquals("call_abc123", first.id());
        assertEquals("search_gutenberg_books", first.name());
        assertEquals(JSON.readTree("{\"search_terms\": [\"James\", \"Joyce\"]}"), first.arguments());
        assertEquals("call_def456", response.toolCalls().get(1).id());
        assertEquals("tool_calls", response.doneReason());
        assertEquals(140, response.usage().promptTokens());
        assertEquals(new BigDecimal("0.000156"), response.usage().costUsd());
    }

    @Test
    void keepsArgumentsThatAreNotJsonForTheLoopToAnswer() {
        ToolCall call = ToolCall.ofText("call_1", "write_artifact", "{\"key\": \"a.txt\", \"content\": ");

        assertNull(call.arguments());
        assertTrue(call.argumentsProblem().contains("not a JSON object"), call.argumentsProblem());
    }

    private ModelCallException failure(OpenRouterModelProvider provider) {
        return assertThrows(ModelCallException.class,
                () -> provider.chat(weatherRequest(), TokenListener.NONE).await().atMost(WAIT));
    }

    private OpenRouterModelProvider provider(String key) {
        return new OpenRouterModelProvider(new ProviderSettings(Provider.OPENROUTER, server.url("/api/v1"),
                new ProviderSettings.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5),
                        Duration.ofSeconds(10)), key, "https://example.org/cohort", "Cohort", null), PriceTable.EMPTY);
    }

    private static ModelRequest weatherRequest() {
        try {
            return new ModelRequest(new ModelRef(Provider.OPENROUTER, "anthropic/claude-sonnet-4"),
                    List.of(ChatMessage.system("You are the lead."),
                            ChatMessage.user("What is the weather like in London?")),
                    0.1, 1024, null, JSON.readTree("""
                            {"type": "object",
                             "properties": {
                               "location": {"type": "string", "description": "City or location name"},
                               "temperature": {"type": "number", "description": "Temperature in Celsius"},
                               "conditions": {"type": "string", "description": "Weather conditions description"}},
                             "required": ["location", "temperature", "conditions"],
                             "additionalProperties": false}"""), "weather", true, List.of("openai/gpt-4.1"), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
