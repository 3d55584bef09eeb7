package dev.cohort.deploychecks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/monitoring: the Grafana dashboard and the Prometheus alert rules name only metrics the services register,
 * and the dashboard's SQL only tables and columns of the orchestrator's schema.
 */
class MonitoringTest {

    static final Path DIR = Repo.DEPLOY.resolve("monitoring");
    static final Path DASHBOARD = DIR.resolve("grafana/cohort-dashboard.json");
    static final Path ALERTS = DIR.resolve("prometheus/cohort-alerts.yaml");
    static final Path OPERATING = Repo.ROOT.resolve("docs/operating.md");
    static final String ORCHESTRATOR_MODULE = "orchestrator-service";

    /** Series Prometheus writes itself for every scrape target. */
    static final Set<String> SCRAPE_SERIES = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");

    private static final Pattern BUILDER = Pattern.compile(
            "\\b(Counter|Timer|Gauge|DistributionSummary|FunctionCounter)\\.builder\\(\\s*(\"[^\"]*\"|[^,)]+)");
    private static final Pattern REGISTRY_CALL = Pattern.compile(
            "\\b\\w+\\.(counter|timer|gauge|summary)\\(\\s*(\"[^\"]*\"|[^,)]+)");
    private static final Pattern ANNOTATION = Pattern.compile(
            "@(Counted|Timed)\\(\\s*(?:value\\s*=\\s*)?\"([^\"]+)\"");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$:])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");
    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan");
    private static final Pattern LABEL_VALUES = Pattern.compile(
            "label_values\\(\\s*(?:([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(?:\\{[^}]*})?\\s*,)?\\s*\\w+\\s*\\)");
    private static final Pattern SQL_TABLE = Pattern.compile("(?i)\\b(?:FROM|JOIN)\\s+(\\w+)(?:\\s+(?:AS\\s+)?(\\w+))?");
    private static final Pattern SQL_COLUMN = Pattern.compile("\\b([a-z_]\\w*)\\.([a-z_]\\w*)\\b");
    private static final Set<String> SQL_WORDS = Set.of("WHERE", "JOIN", "ON", "GROUP", "ORDER", "LEFT", "INNER",
            "CROSS", "LIMIT", "USING");

    /** A meter a service registers: its Micrometer name and type, and where. */
    record Meter(String name, String type, Path source) {

        private String base() {
            return name.replaceAll("[^A-Za-z0-9_:]", "_");
        }

        /** The series Micrometer's Prometheus registry writes for it on /q/metrics. */
        Set<String> series() {
            String base = base();
            return switch (type) {
                case "counter" -> Set.of(base + "_total");
                case "timer" -> Set.of(base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max");
                case "summary" -> Set.of(base + "_count", base + "_sum", base + "_max");
                default -> Set.of(base);
            };
        }

        /** How docs/operating.md names it: the counter's _total series, the timer's _seconds family. */
        String documentedAs() {
            return switch (type) {
                case "counter" -> base() + "_total";
                case "timer" -> base() + "_seconds";
                default -> base();
            };
        }
    }

    /** Every meter registered in the main sources of every module, by literal name. */
    static List<Meter> meters() {
        List<Meter> meters = new ArrayList<>();
        List<String> unnamed = new ArrayList<>();
        for (String module : Repo.modules()) {
            for (Map.Entry<Path, String> source : Repo.javaSources(Repo.ROOT.resolve(module)).entrySet()) {
                String java = source.getValue();
                if (!java.contains("io.micrometer")) {
                    continue;
                }
                for (Pattern p : List.of(BUILDER, REGISTRY_CALL)) {
                    Matcher m = p.matcher(java);
                    while (m.find()) {
                        String name = m.group(2).trim();
                        if (!name.startsWith("\"")) {
                            unnamed.add(Repo.ROOT.relativize(source.getKey()) + ": " + m.group());
                            continue;
                        }
                        meters.add(new Meter(name.substring(1, name.length() - 1), type(m.group(1)), source.getKey()));
                    }
                }
                Matcher a = ANNOTATION.matcher(java);
                while (a.find()) {
                    meters.add(new Meter(a.group(2), a.group(1).equals("Counted") ? "counter" : "timer", source.getKey()));
                }
            }
        }
        assertTrue(unnamed.isEmpty(), "meters named by something other than a string literal, which this check cannot"
                + " read; name them with a literal: " + unnamed);
        return meters;
    }

    private static String type(String call) {
        return switch (call) {
            case "Counter", "FunctionCounter", "counter" -> "counter";
            case "Timer", "timer" -> "timer";
            case "DistributionSummary", "summary" -> "summary";
            default -> "gauge";
        };
    }

    /** The series names the services expose, with the meter each comes from. */
    static Map<String, Meter> exposedSeries() {
        Map<String, Meter> series = new TreeMap<>();
        for (Meter meter : meters()) {
            meter.series().forEach(s -> series.put(s, meter));
        }
        return series;
    }

    /** The metric names a PromQL expression reads: neither functions, keywords, labels, strings nor durations. */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*]", " ")
                .replaceAll("(?i)\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            if (!PROMQL_WORDS.contains(m.group(1).toLowerCase())) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(DASHBOARD + " is not valid JSON", e);
        }
    }

    /** Every panel, rows' nested panels included. */
    static List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    private static String datasourceType(JsonNode target, JsonNode panel) {
        JsonNode ds = target.path("datasource").isMissingNode() ? panel.path("datasource") : target.path("datasource");
        return ds.path("type").asText();
    }

    /** The query field of every target on one type of data source, by panel title and target. */
    static Map<String, String> dashboardQueries(String datasourceType, String field) {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                if (datasourceType.equals(datasourceType(target, panel))) {
                    assertTrue(target.hasNonNull(field), "panel '" + panel.path("title").asText() + "' target "
                            + target.path("refId").asText() + " has no " + field);
                    queries.put(panel.path("title").asText() + " " + target.path("refId").asText(),
                            target.get(field).asText());
                }
            }
        }
        return queries;
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> alertExpressions() {
        Map<String, String> exprs = new LinkedHashMap<>();
        List<Map<String, Object>> docs = Repo.documents(ALERTS);
        assertEquals(1, docs.size(), ALERTS + " should hold one document");
        for (Object g : Repo.list(docs.get(0).get("groups"), ALERTS + " groups")) {
            Map<String, Object> group = Repo.map(g, ALERTS + " group");
            for (Object r : Repo.list(group.get("rules"), "rules of group " + group.get("name"))) {
                Map<String, Object> rule = Repo.map(r, "a rule of group " + group.get("name"));
                String name = (String) (rule.get("alert") != null ? rule.get("alert") : rule.get("record"));
                assertNotNull(name, "a rule of group " + group.get("name") + " has neither alert nor record");
                assertTrue(rule.get("expr") instanceof String, name + " has no expr");
                assertNull(exprs.put(name, (String) rule.get("expr")), "two rules named " + name);
                if (rule.get("alert") != null) {
                    assertNotNull(Repo.at(rule, "labels", "severity"), name + " has no severity label");
                    assertNotNull(Repo.at(rule, "annotations", "summary"), name + " has no summary");
                    assertNotNull(Repo.at(rule, "annotations", "description"), name + " has no description");
                }
            }
        }
        assertFalse(exprs.isEmpty(), ALERTS + " has no rule");
        return exprs;
    }

    private static void assertOnlyExposedMetrics(Map<String, String> queries, Path file) {
        Set<String> exposed = new HashSet<>(exposedSeries().keySet());
        exposed.addAll(SCRAPE_SERIES);
        Map<String, Set<String>> unknown = new TreeMap<>();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            Set<String> names = metricNames(q.getValue());
            assertFalse(names.isEmpty(), file.getFileName() + ": '" + q.getKey() + "' reads no metric: " + q.getValue());
            names.removeAll(exposed);
            if (!names.isEmpty()) {
                unknown.put(q.getKey(), names);
            }
        }
        assertTrue(unknown.isEmpty(), file.getFileName() + " reads metrics no service registers: " + unknown
                + "; the services expose " + exposedSeries().keySet());
    }

    @Test
    void theServicesRegisterMetersThisCheckCanRead() {
        List<Meter> meters = meters();
        assertFalse(meters.isEmpty(), "no meter found in the services' sources");
        Set<String> modules = new TreeSet<>();
        meters.forEach(m -> modules.add(Repo.ROOT.relativize(m.source()).getName(0).toString()));
        assertTrue(modules.contains(ORCHESTRATOR_MODULE) && modules.contains(CodeFacts.WORKER_MODULE),
                "meters were found only in " + modules);
    }

    @Test
    void thePromqlReaderFindsMetricNamesAndNothingElse() {
        assertEquals(Set.of("cohort_a_total", "cohort_b_seconds_count"), metricNames(
                "sum by (provider, outcome) (rate(cohort_a_total{outcome!=\"ok\", provider=~\"$provider\"}[$__rate_interval]))"
                        + " / on (provider) group_left max without (model) (cohort_b_seconds_count offset 5m) > 0.25 * 1e3"));
        assertEquals(Set.of("up"), metricNames("up{job=~\"cohort-.*\"} == bool 0 unless vector(1)"));
    }

    @Test
    void theDashboardReadsOnlyMetricsTheServicesRegister() {
        Map<String, String> queries = dashboardQueries("prometheus", "expr");
        assertFalse(queries.isEmpty(), DASHBOARD + " has no Prometheus query");
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())
                    && "prometheus".equals(variable.path("datasource").path("type").asText())) {
                String query = variable.path("query").isTextual() ? variable.path("query").asText()
                        : variable.path("query").path("query").asText();
                Matcher m = LABEL_VALUES.matcher(query);
                assertTrue(m.matches(), "variable " + variable.path("name").asText() + ": only label_values(...) is"
                        + " checked, not " + query);
                if (m.group(1) != null) {
                    queries.put("variable " + variable.path("name").asText(), m.group(1));
                }
            }
        }
        assertOnlyExposedMetrics(queries, DASHBOARD);
    }

    @Test
    void theAlertRulesReadOnlyMetricsTheServicesRegister() {
        assertOnlyExposedMetrics(alertExpressions(), ALERTS);
    }

    /** A dashboard imported elsewhere must not point at a data source of the machine it was exported from. */
    @Test
    void theDashboardNamesItsDataSourcesThroughVariables() {
        Set<String> variables = new TreeSet<>();
        dashboard().path("templating").path("list").forEach(v -> {
            if ("datasource".equals(v.path("type").asText())) {
                variables.add("${" + v.path("name").asText() + "}");
            }
        });
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels()) {
            String title = panel.path("title").asText();
            assertTrue(ids.add(panel.path("id").asInt()), "two panels with id " + panel.path("id"));
            List<JsonNode> sources = new ArrayList<>();
            sources.add(panel.path("datasource"));
            panel.path("targets").forEach(t -> sources.add(t.path("datasource")));
            for (JsonNode ds : sources) {
                if (!ds.isMissingNode()) {
                    assertTrue(variables.contains(ds.path("uid").asText()),
                            "panel '" + title + "' uses data source " + ds + "; use one of " + variables);
                }
            }
        }
    }

    @Test
    void theDashboardsSqlNamesOnlyTablesAndColumnsOfTheOrchestratorsSchema() {
        Map<String, Set<String>> schema = orchestratorSchema();
        Map<String, String> queries = dashboardQueries("grafana-postgresql-datasource", "rawSql");
        assertFalse(queries.isEmpty(), DASHBOARD + " has no SQL query");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            String sql = q.getValue().replaceAll("'[^']*'", "''")
                    .replaceAll("(?i)\\bextract\\s*\\(\\s*\\w+\\s+FROM\\b", "extract(")
                    .replaceAll("(?i)\\bDISTINCT\\s+FROM\\b", "DISTINCT");
            Map<String, String> aliases = new LinkedHashMap<>();
            Matcher t = SQL_TABLE.matcher(sql);
            while (t.find()) {
                String table = t.group(1);
                if (!schema.containsKey(table)) {
                    problems.add(q.getKey() + ": no table " + table);
                    continue;
                }
                aliases.put(table, table);
                String alias = t.group(2);
                if (alias != null && !SQL_WORDS.contains(alias.toUpperCase())) {
                    aliases.put(alias, table);
                }
            }
            if (aliases.isEmpty()) {
                problems.add(q.getKey() + ": reads no table");
            }
            Matcher c = SQL_COLUMN.matcher(sql);
            while (c.find()) {
                String table = aliases.get(c.group(1));
                if (table == null) {
                    problems.add(q.getKey() + ": " + c.group() + " names no table of the query");
                } else if (!schema.get(table).contains(c.group(2))) {
                    problems.add(q.getKey() + ": table " + table + " has no column " + c.group(2));
                }
            }
        }
        assertTrue(problems.isEmpty(), DASHBOARD + ": " + problems + "; the schema: " + schema);
    }

    @Test
    void theKustomizationShipsBothFiles() {
        Map<String, Object> kustomization = Repo.documents(DIR.resolve("kustomization.yaml")).get(0);
        Set<Path> shipped = new TreeSet<>();
        for (Object g : Repo.list(kustomization.get("configMapGenerator"), "configMapGenerator")) {
            for (Object f : Repo.list(Repo.map(g, "a generator").get("files"), "files")) {
                Path file = DIR.resolve(((String) f).replaceFirst("^[^=]+=", ""));
                assertTrue(Files.exists(file), "the kustomization ships a missing file " + f);
                shipped.add(file);
            }
        }
        assertEquals(new TreeSet<>(Set.of(DASHBOARD, ALERTS)), shipped);
    }

    @Test
    void theOperatingGuideNamesEveryMetric() {
        String guide = Repo.read(OPERATING);
        Set<String> missing = new TreeSet<>();
        for (Meter meter : meters()) {
            if (!guide.contains("`" + meter.documentedAs() + "`")) {
                missing.add(meter.documentedAs());
            }
        }
        assertTrue(missing.isEmpty(), "docs/operating.md does not name " + missing);
    }

    /** Tables and their columns, from the orchestrator's Flyway migrations applied in order. */
    static Map<String, Set<String>> orchestratorSchema() {
        Path dir = Repo.ROOT.resolve(ORCHESTRATOR_MODULE).resolve("src/main/resources/db/migration");
        List<Path> migrations;
        try (Stream<Path> files = Files.list(dir)) {
            migrations = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertFalse(migrations.isEmpty(), "no migrations in " + dir);
        Map<String, Set<String>> tables = new TreeMap<>();
        Pattern create = Pattern.compile("(?is)CREATE\\s+TABLE\\s+(\\w+)\\s*\\((.*?)\\n\\);");
        Pattern alter = Pattern.compile("(?is)ALTER\\s+TABLE\\s+(\\w+)\\s+(.*?);");
        Pattern column = Pattern.compile("(?im)^\\s*(\\w+)\\s+\\w+");
        Pattern added = Pattern.compile("(?i)\\b(ADD|DROP)\\s+COLUMN\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?(\\w+)");
        for (Path migration : migrations) {
            String sql = Repo.read(migration).replaceAll("--[^\\n]*", "");
            Matcher c = create.matcher(sql);
            while (c.find()) {
                Set<String> columns = new TreeSet<>();
                Matcher col = column.matcher(c.group(2));
                while (col.find()) {
                    String name = col.group(1).toLowerCase();
                    if (!Set.of("primary", "unique", "constraint", "foreign", "check").contains(name)) {
                        columns.add(name);
                    }
                }
                tables.put(c.group(1).toLowerCase(), columns);
            }
            Matcher a = alter.matcher(sql);
            while (a.find()) {
                Set<String> columns = tables.get(a.group(1).toLowerCase());
                assertNotNull(columns, migration.getFileName() + " alters unknown table " + a.group(1));
                Matcher m = added.matcher(a.group(2));
                while (m.find()) {
                    if (m.group(1).equalsIgnoreCase("ADD")) {
                        columns.add(m.group(2).toLowerCase());
                    } else {
                        columns.remove(m.group(2).toLowerCase());
                    }
                }
            }
        }
        return tables;
    }

    private static int version(Path migration) {
        String name = migration.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }
}
