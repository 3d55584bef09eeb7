package dev.cohort.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cohort.contracts.model.ModelRef;
import dev.cohort.contracts.model.Provider;
import dev.cohort.contracts.model.Role;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Start-up validation of the role profiles, and the three shipped setups in application.properties. */
class RoleProfilesTest {

    @Test
    void theDefaultSetupPutsEveryRoleOnTheSimulatorOverBothProtocols() throws IOException {
        Map<Role, RoleProfile> profiles = shipped(null, Map.of());

        assertEquals(Role.values().length, profiles.size());
        assertEquals(new ModelRef(Provider.OPENROUTER, "sim-lead"), profiles.get(Role.LEAD).model());
        assertEquals(new ModelRef(Provider.OLLAMA, "sim-backend"), profiles.get(Role.BACKEND).model());
        assertEquals(Optional.of(new ModelRef(Provider.OPENROUTER, "sim-backend-large")),
                profiles.get(Role.BACKEND).escalation());
        assertTrue(profiles.get(Role.LEAD).systemPrompt().contains("plan"));
        assertEquals(3, profiles.get(Role.BACKEND).maxAttempts());
    }

    @Test
    void theLocalSetupRunsEveryRoleOnOllama() throws IOException {
        Map<Role, RoleProfile> profiles = shipped("local", Map.of());

        profiles.values().forEach(p -> assertEquals(Provider.OLLAMA, p.model().provider(), p.role().id()));
        profiles.values().forEach(p -> p.escalation().ifPresent(e -> assertEquals(Provider.OLLAMA, e.provider())));
        assertEquals("qwen2.5-coder:7b", profiles.get(Role.BACKEND).model().model());
    }

    @Test
    void theHybridSetupNeedsAnOpenRouterKey() throws IOException {
        ModelConfigException failure = assertThrows(ModelConfigException.class, () -> shipped("hybrid", Map.of()));

        assertTrue(failure.getMessage().contains("cohort.roles.lead.provider is openrouter"), failure.getMessage());
        assertTrue(failure.getMessage().contains("OPENROUTER_API_KEY"), failure.getMessage());
    }

    @Test
    void theHybridSetupPlansInTheCloudAndEscalatesThere() throws IOException {
        Map<Role, RoleProfile> profiles = shipped("hybrid", Map.of("OPENROUTER_API_KEY", "sk-or-test"));

        assertEquals(new ModelRef(Provider.OPENROUTER, "anthropic/claude-sonnet-4"), profiles.get(Role.LEAD).model());
        assertEquals(Provider.OLLAMA, profiles.get(Role.BACKEND).model().provider());
        assertEquals(Provider.OPENROUTER, profiles.get(Role.BACKEND).escalation().orElseThrow().provider());
    }

    @Test
    void anOpenRouterKeyIsSentOnlyOverHttpsOrToThisMachine() throws IOException {
        Map<String, String> plainHttp = Map.of("OPENROUTER_API_KEY", "sk-or-test",
                "%hybrid.cohort.providers.openrouter.url", "http://proxy.example.com/api/v1");
        ModelConfigException failure = assertThrows(ModelConfigException.class, () -> shipped("hybrid", plainHttp));
        assertTrue(failure.getMessage().contains("only sent over HTTPS"), failure.getMessage());
        assertFalse(failure.getMessage().contains("sk-or-test"), "the key is not in the message");

        shipped("hybrid", Map.of("OPENROUTER_API_KEY", "sk-or-test",
                "%hybrid.cohort.providers.openrouter.url", "http://localhost:8090/v1"));
        shipped("hybrid", Map.of("OPENROUTER_API_KEY", "sk-or-test",
                "%hybrid.cohort.providers.openrouter.url", "https://openrouter.example.com/api/v1"));
    }

    @Test
    void aValidMinimalConfigurationBuildsEveryRole() {
        Map<Role, RoleProfile> profiles = RoleProfiles.from(mapping(minimal()), name -> "You are helpful.");

        assertEquals(Role.values().length, profiles.size());
        assertEquals(0.2, profiles.get(Role.TESTER).temperature());
        assertEquals(4096, profiles.get(Role.TESTER).maxTokens());
        assertFalse(profiles.get(Role.TESTER).escalation().isPresent());
    }

    @Test
    void anUnknownProviderIsNamedWithItsKey() {
        Map<String, String> config = minimal();
        config.put("cohort.roles.backend.provider", "olama");

        assertProblem(config, "cohort.roles.backend.provider: unknown provider 'olama'; expected one of: ollama, openrouter");
    }

    @Test
    void aRoleWithoutProfileIsNamed() {
        Map<String, String> config = minimal();
        config.remove("cohort.roles.optimizer.provider");
        config.remove("cohort.roles.optimizer.model");

        assertProblem(config, "cohort.roles.optimizer: no profile");
    }

    @Test
    void anUnknownRoleIsNamed() {
        Map<String, String> config = minimal();
        config.put("cohort.roles.wizard.provider", "ollama");
        config.put("cohort.roles.wizard.model", "m");

        assertProblem(config, "cohort.roles.wizard: unknown role 'wizard'");
    }

    @Test
    void outOfRangeSettingsAreNamed() {
        Map<String, String> config = minimal();
        config.put("cohort.roles.lead.temperature", "3");
        config.put("cohort.roles.lead.max-attempts", "0");
        config.put("cohort.roles.lead.max-tokens", "0");

        ModelConfigException failure = assertThrows(ModelConfigException.class,
                () -> RoleProfiles.from(mapping(config), name -> "prompt"));
        assertEquals(3, failure.problems().size(), failure.getMessage());
        assertTrue(failure.getMessage().contains("cohort.roles.lead.temperature: must be between 0 and 2"));
        assertTrue(failure.getMessage().contains("cohort.roles.lead.max-attempts"));
        assertTrue(failure.getMessage().contains("cohort.roles.lead.max-tokens"));
    }

    @Test
    void aMissingSystemPromptResourceIsNamed() {
        Map<String, String> config = minimal();
        config.put("cohort.roles.tester.system-prompt", "prompts/nope.md");

        ModelConfigException failure = assertThrows(ModelConfigException.class,
                () -> RoleProfiles.from(mapping(config), RoleProfiles::classpathResource));
        assertEquals(1, failure.problems().size(), failure.getMessage());
        assertTrue(failure.problems().get(0).startsWith("cohort.roles.tester.system-prompt: no classpath resource 'prompts/nope.md'"));
    }

    @Test
    void anEscalationNeedsProviderAndModel() {
        Map<String, String> config = minimal();
        config.put("cohort.roles.backend.escalation-model", "bigger");

        assertProblem(config, "cohort.roles.backend.escalation-provider and cohort.roles.backend.escalation-model: set both or neither");
    }

    @Test
    void anOpenRouterEscalationAlsoNeedsTheKey() {
        Map<String, String> config = minimal();
        config.put("cohort.providers.openrouter.url", "https://openrouter.ai/api/v1");
        config.put("cohort.roles.backend.escalation-provider", "openrouter");
        config.put("cohort.roles.backend.escalation-model", "deepseek/deepseek-chat-v3.1");

        assertProblem(config, "cohort.roles.backend.escalation-provider is openrouter, but no API key is set");
    }

    @Test
    void aBadUrlIsNamed() {
        Map<String, String> config = minimal();
        config.put("cohort.providers.ollama.url", "localhost:11434");

        assertProblem(config, "cohort.providers.ollama.url: not an http(s) URL");
    }

    private static void assertProblem(Map<String, String> config, String expected) {
        ModelConfigException failure = assertThrows(ModelConfigException.class,
                () -> RoleProfiles.from(mapping(config), name -> "prompt"));
        assertTrue(failure.problems().stream().anyMatch(p -> p.startsWith(expected)),
                "expected a problem starting with: " + expected + "\nbut got:\n" + failure.getMessage());
    }

    private static Map<String, String> minimal() {
        Map<String, String> config = new HashMap<>();
        for (Role role : Role.values()) {
            config.put("cohort.roles." + role.id() + ".provider", "ollama");
            config.put("cohort.roles." + role.id() + ".model", "qwen2.5-coder:7b");
        }
        return config;
    }

    private static CohortModelsConfig mapping(Map<String, String> properties) {
        return builder().withSources(new PropertiesConfigSource(properties, "test", 500)).build()
                .getConfigMapping(CohortModelsConfig.class);
    }

    /** The shipped application.properties under a profile, with no environment but {@code env}. */
    private static Map<Role, RoleProfile> shipped(String profile, Map<String, String> env) throws IOException {
        URL properties = RoleProfilesTest.class.getClassLoader().getResource("application.properties");
        SmallRyeConfigBuilder builder = builder()
                .withSources(new PropertiesConfigSource(properties, 250))
                .withSources(new PropertiesConfigSource(env, "env", 300));
        if (profile != null) {
            builder.withProfile(profile);
        }
        SmallRyeConfig config = builder.build();
        return RoleProfiles.from(config.getConfigMapping(CohortModelsConfig.class), RoleProfiles::classpathResource);
    }

    private static SmallRyeConfigBuilder builder() {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withMapping(CohortModelsConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withValidateUnknown(false);
    }
}
