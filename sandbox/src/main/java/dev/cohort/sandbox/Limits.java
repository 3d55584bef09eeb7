package dev.cohort.sandbox;

import java.time.Duration;

/**
 * What one sandboxed command may use.
 *
 * @param timeout        wall-clock time before the whole process tree is killed
 * @param memoryBytes    data segment limit of each process (heap and other writable private memory), also the
 *                       size of the sandbox's {@code /tmp}
 * @param maxOutputBytes bytes kept of stdout and of stderr each; a command that writes more is killed
 * @param maxProcesses   processes and threads the command may have at the same time
 */
public record Limits(Duration timeout, long memoryBytes, int maxOutputBytes, int maxProcesses) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    public static final long DEFAULT_MEMORY_BYTES = 1L << 30;
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_PROCESSES = 128;

    public Limits {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (memoryBytes < 16L << 20) {
            throw new IllegalArgumentException("memoryBytes must be at least 16 MiB, was " + memoryBytes);
        }
        if (maxOutputBytes < 1) {
            throw new IllegalArgumentException("maxOutputBytes must be positive, was " + maxOutputBytes);
        }
        if (maxProcesses < 2) {
            throw new IllegalArgumentException("maxProcesses must be at least 2, was " + maxProcesses);
        }
    }

    /** 120 s, 1 GiB, 64 KiB per stream, 128 processes. */
    public static Limits defaults() {
        return new Limits(DEFAULT_TIMEOUT, DEFAULT_MEMORY_BYTES, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_MAX_PROCESSES);
    }

    public Limits withTimeout(Duration newTimeout) {
        return new Limits(newTimeout, memoryBytes, maxOutputBytes, maxProcesses);
    }

    public Limits withMemoryBytes(long newMemoryBytes) {
        return new Limits(timeout, newMemoryBytes, maxOutputBytes, maxProcesses);
    }

    public Limits withMaxOutputBytes(int newMaxOutputBytes) {
        return new Limits(timeout, memoryBytes, newMaxOutputBytes, maxProcesses);
    }

    public Limits withMaxProcesses(int newMaxProcesses) {
        return new Limits(timeout, memoryBytes, maxOutputBytes, newMaxProcesses);
    }
}
