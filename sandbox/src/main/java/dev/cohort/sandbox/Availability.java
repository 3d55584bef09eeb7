package dev.cohort.sandbox;

/**
 * Whether sandboxed runs work on this machine.
 *
 * @param available whether {@link Sandbox#run} can be used
 * @param reason    why not and how to fix it, or a short description of the working setup
 */
public record Availability(boolean available, String reason) {

    static Availability yes(String setup) {
        return new Availability(true, setup);
    }

    static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
