package dev.cohort.contracts;

import dev.cohort.contracts.model.SubtaskKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What an attempt's writes are held to. Only the dispatch record carries an attempt's lease token; events that
 * announce the attempt carry its {@link #hash}, so a reader of the events (the dashboard, a person with viewer rights)
 * learns nothing that would let it write as the attempt. An attempt may write the keys its subtask declares, or under
 * a declared prefix that ends in {@code /}; a plan writes {@code plan} and a summary also writes {@code summary}.
 */
public final class Fence {

    public static final String PLAN_KEY = "plan";
    public static final String SUMMARY_KEY = "summary";

    private Fence() {
    }

    /** The lowercase hex SHA-256 of a lease token. */
    public static String hash(String leaseToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaseToken.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether a lease token hashes to the announced hash; compared in constant time. */
    public static boolean matches(String leaseToken, String expectedHash) {
        if (leaseToken == null || expectedHash == null) {
            return false;
        }
        return MessageDigest.isEqual(hash(leaseToken).getBytes(StandardCharsets.US_ASCII),
                expectedHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** The keys and prefixes an attempt of a subtask of this kind may write, given the keys its plan declares. */
    public static List<String> writable(SubtaskKind kind, List<String> declared) {
        List<String> keys = new ArrayList<>(declared == null ? List.of() : declared);
        if (kind == SubtaskKind.PLAN && !keys.contains(PLAN_KEY)) {
            keys.add(PLAN_KEY);
        }
        if (kind == SubtaskKind.SUMMARY && !keys.contains(SUMMARY_KEY)) {
            keys.add(SUMMARY_KEY);
        }
        return List.copyOf(keys);
    }

    /** Whether {@code key} is one of {@code writable}, or under one of its prefixes (entries ending in {@code /}). */
    public static boolean allows(List<String> writable, String key) {
        if (writable == null || key == null) {
            return false;
        }
        for (String w : writable) {
            if (w.equals(key) || (w.endsWith("/") && key.startsWith(w))) {
                return true;
            }
        }
        return false;
    }
}
