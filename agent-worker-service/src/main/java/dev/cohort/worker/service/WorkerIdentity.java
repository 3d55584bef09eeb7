package dev.cohort.worker.service;

import dev.cohort.worker.config.WorkerConfig;
import java.net.InetAddress;
import java.util.UUID;

/** The name this worker process uses in agent ids. */
public final class WorkerIdentity {

    private static final String HOST = host();

    private WorkerIdentity() {
    }

    public static String name(WorkerConfig config) {
        return config.name().filter(n -> !n.isBlank()).orElse(HOST);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "worker-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }
}
