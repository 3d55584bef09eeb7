package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** What the checks compare the deployment files with: the build's modules and each service's configuration. */
final class Repo {

    /** The repository root, from the build (maven.multiModuleProjectDirectory), so the checks read the real tree. */
    static final Path ROOT = root();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path COMPOSE_DIR = DEPLOY.resolve("docker-compose");
    static final Path K8S_DIR = DEPLOY.resolve("k8s");
    static final String DOCKERFILE = "src/main/docker/Dockerfile.jvm";

    private static final Pattern CONFIG_MAPPING = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"\\)");
    // A member of the mapping interface itself (four spaces in), optionally with its @WithDefault just above.
    private static final Pattern MAPPING_MEMBER = Pattern.compile(
            "(?m)(?:^    @WithDefault\\(\"([^\"]*)\"\\)\\s*\\n)?^    (?! |@|/|\\*|return)[\\w<>, .?]+\\s(\\w+)\\(\\);");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?}");

    private static Map<String, QuarkusApp> apps;

    private Repo() {
    }

    /**
     * A module that is a Quarkus service: its src/main/resources/application.properties sets quarkus.http.port.
     * A command-line application has no port and is not deployed.
     */
    record QuarkusApp(String module, Properties properties, Map<String, String> mappingDefaults) {

        int port() {
            return Integer.parseInt(properties.getProperty("quarkus.http.port"));
        }

        Path dir() {
            return ROOT.resolve(module);
        }

        /** The profiles this application knows: prod (the default of a packaged application) and every %name. */
        Set<String> profiles() {
            Set<String> profiles = new TreeSet<>(Set.of("prod"));
            for (String key : properties.stringPropertyNames()) {
                if (key.startsWith("%")) {
                    profiles.add(key.substring(1, key.indexOf('.')));
                }
            }
            return profiles;
        }

        /**
         * Environment variable names that set one of this application's configuration keys: its properties, its
         * {@code @ConfigMapping} members, and the variables its properties read through {@code ${NAME}}.
         */
        Set<String> configEnvNames() {
            Set<String> names = new TreeSet<>();
            for (String key : properties.stringPropertyNames()) {
                names.add(envName(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key));
                Matcher m = PLACEHOLDER.matcher(properties.getProperty(key));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
            mappingDefaults.keySet().forEach(key -> names.add(envName(key)));
            return names;
        }

        /** The database name at the end of the JDBC URL, or null for an application without a database. */
        String database() {
            String url = properties.getProperty("quarkus.datasource.jdbc.url");
            return url == null ? null : url.substring(url.lastIndexOf('/') + 1);
        }

        /** A property as the packaged application reads it: profile-free, or null. */
        String property(String key) {
            return properties.getProperty(key);
        }

        /** Whether the module's pom declares a dependency with this artifactId (a Quarkus extension, say). */
        boolean dependsOn(String artifactId) {
            return Pattern.compile("<artifactId>\\s*" + Pattern.quote(artifactId) + "\\s*</artifactId>")
                    .matcher(read(dir().resolve("pom.xml"))).find();
        }

        /** Verifies bearer tokens: the module has the SmallRye JWT extension. */
        boolean verifiesTokens() {
            return dependsOn("quarkus-smallrye-jwt");
        }

        /** Talks to Kafka: the module names a broker. */
        boolean usesKafka() {
            return properties.getProperty("kafka.bootstrap.servers") != null;
        }

        /** The module's main Java sources, by path. */
        Map<Path, String> sources() {
            return javaSources(dir());
        }
    }

    /** The Java sources under a module's src/main/java, by path. */
    static Map<Path, String> javaSources(Path moduleDir) {
        Map<Path, String> sources = new LinkedHashMap<>();
        Path src = moduleDir.resolve("src/main/java");
        if (!Files.isDirectory(src)) {
            return sources;
        }
        try (Stream<Path> files = Files.walk(src)) {
            files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> sources.put(f, read(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources;
    }

    /** Quarkus' mapping of a configuration key to an environment variable name. */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    static synchronized Map<String, QuarkusApp> apps() {
        if (apps == null) {
            Map<String, QuarkusApp> found = new LinkedHashMap<>();
            for (String module : modules()) {
                Path props = ROOT.resolve(module).resolve("src/main/resources/application.properties");
                if (Files.exists(props)) {
                    Properties p = new Properties();
                    try (Reader r = Files.newBufferedReader(props)) {
                        p.load(r);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    if (p.getProperty("quarkus.http.port") != null) {
                        found.put(module, new QuarkusApp(module, p, mappingDefaults(ROOT.resolve(module))));
                    }
                }
            }
            apps = found;
        }
        return apps;
    }

    static QuarkusApp app(String module) {
        QuarkusApp app = apps().get(module);
        assertNotNull(app, "no Quarkus service module named " + module + "; modules: " + apps().keySet());
        return app;
    }

    /**
     * Configuration keys declared by {@code @ConfigMapping} interfaces under src/main/java, with their
     * {@code @WithDefault} values (null without one). Only the interface's own members are read, not nested groups.
     */
    static Map<String, String> mappingDefaults(Path moduleDir) {
        Map<String, String> keys = new LinkedHashMap<>();
        Path src = moduleDir.resolve("src/main/java");
        if (!Files.isDirectory(src)) {
            return keys;
        }
        try (Stream<Path> files = Files.walk(src)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String java = Files.readString(file);
                Matcher prefix = CONFIG_MAPPING.matcher(java);
                if (!prefix.find()) {
                    continue;
                }
                Matcher member = MAPPING_MEMBER.matcher(java);
                while (member.find()) {
                    keys.put(prefix.group(1) + "." + kebab(member.group(2)), member.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    static List<String> modules() {
        Element project = pom().getDocumentElement();
        NodeList modules = ((Element) project.getElementsByTagName("modules").item(0)).getElementsByTagName("module");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < modules.getLength(); i++) {
            names.add(modules.item(i).getTextContent().trim());
        }
        return names;
    }

    /** The project version, which is also the images' default tag. */
    static String projectVersion() {
        NodeList children = pom().getDocumentElement().getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && e.getTagName().equals("version")) {
                return e.getTextContent().trim();
            }
        }
        throw new AssertionError("the root pom has no <version>");
    }

    private static Document pom() {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the root pom", e);
        }
    }

    /** A YAML loader that rejects duplicate keys, which YAML would otherwise resolve silently to the last one. */
    static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    /** Every document of a YAML file, empty ones left out. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(Path file) {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file)) {
            for (Object doc : yaml().loadAll(r)) {
                if (doc != null) {
                    assertTrue(doc instanceof Map, file + ": a document that is not a mapping");
                    docs.add((Map<String, Object>) doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of a multi-line shell assignment {@code NAME='...'} in a script, blank lines left out. */
    static List<String> shellLines(String script, String variable) {
        Matcher m = Pattern.compile("(?ms)^" + variable + "='(.*?)'$").matcher(script);
        assertTrue(m.find(), "the script sets no " + variable);
        return m.group(1).lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    /** The words of a shell assignment {@code NAME="a b c"} in a script. */
    static Set<String> shellWords(String script, String variable) {
        Matcher m = Pattern.compile("(?m)^" + variable + "=\"?([^\"\\n]*)\"?$").matcher(script);
        assertTrue(m.find(), "the script sets no " + variable);
        return new LinkedHashSet<>(List.of(m.group(1).trim().split("\\s+")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        assertTrue(o instanceof Map, what + " should be a mapping, is " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String what) {
        assertTrue(o instanceof List, what + " should be a list, is " + o);
        return (List<Object>) o;
    }

    /** A nested value by path, or null. */
    static Object at(Object root, String... path) {
        Object o = root;
        for (String p : path) {
            if (!(o instanceof Map<?, ?> m)) {
                return null;
            }
            o = m.get(p);
        }
        return o;
    }

    private static Path root() {
        String root = System.getProperty("cohort.root");
        assertNotNull(root, "system property cohort.root (the repository root) is not set; run through Maven");
        Path path = Path.of(root).toAbsolutePath().normalize();
        assertTrue(Files.exists(path.resolve("pom.xml")) && Files.isDirectory(path.resolve("deploy")),
                path + " is not the repository root");
        return path;
    }
}
