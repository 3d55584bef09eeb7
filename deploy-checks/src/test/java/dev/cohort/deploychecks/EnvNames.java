package dev.cohort.deploychecks;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Whether an environment variable given to a service sets something that service reads. */
final class EnvNames {

    /** Read by Quarkus itself to choose the profile, not a key of application.properties. */
    private static final Set<String> QUARKUS_OWN = Set.of("QUARKUS_PROFILE");
    /**
     * Settings of the SmallRye JWT extension, read by a module that has it: where the verification key is, the
     * issuer and audience a token must have, and where its roles are.
     */
    static final Set<String> JWT = Set.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "MP_JWT_VERIFY_ISSUER",
            "MP_JWT_VERIFY_AUDIENCES", "SMALLRYE_JWT_PATH_GROUPS");
    /**
     * Kafka client settings for authentication. Quarkus passes every kafka.* setting, KAFKA_* variables included, to
     * each Kafka channel and to its own Kafka clients.
     */
    static final Set<String> KAFKA_SECURITY = Set.of("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM",
            "KAFKA_SASL_JAAS_CONFIG");
    /** Quarkus' profile-scoped form of a variable: _PROFILE_NAME applies NAME in that profile only. */
    private static final Pattern PROFILED = Pattern.compile("_([A-Z0-9]+)_([A-Z0-9_]+)");

    private EnvNames() {
    }

    /**
     * The names among {@code names} that the application would ignore. {@code helpers} are variables that exist only
     * to be referenced by others (Kubernetes {@code $(NAME)}), so they need not be configuration keys.
     */
    static List<String> unknown(Repo.QuarkusApp app, Iterable<String> names, Set<String> helpers) {
        Set<String> known = new TreeSet<>(app.configEnvNames());
        if (app.verifiesTokens()) {
            known.addAll(JWT);
        }
        if (app.usesKafka()) {
            known.addAll(KAFKA_SECURITY);
        }
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            if (helpers.contains(name) || QUARKUS_OWN.contains(name) || known.contains(name)) {
                continue;
            }
            Matcher m = PROFILED.matcher(name);
            if (m.matches() && app.profiles().contains(m.group(1).toLowerCase()) && known.contains(m.group(2))) {
                continue;
            }
            unknown.add(name);
        }
        return unknown;
    }

    /** A name that holds a credential, by convention. */
    static boolean secretLike(String name) {
        return name.matches("(?i).*(PASSWORD|SECRET|TOKEN|API_KEY|APIKEY|CREDENTIAL).*");
    }
}
