package dev.cohort.dashboard.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the event feed reads; the broker's own check (quarkus.kafka.health) says whether it is reachable. */
@Readiness
@ApplicationScoped
public class EventFeedReadiness implements HealthCheck {

    private final EventFeedListener feed;

    public EventFeedReadiness(EventFeedListener feed) {
        this.feed = feed;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("event feed").status(feed.running()).build();
    }
}
