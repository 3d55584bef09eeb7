package dev.cohort.dashboard.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cohort.dashboard")
public interface DashboardConfig {

    /** How many recent events the dashboard keeps in memory for new browsers. */
    @WithDefault("10000")
    int recentEvents();
}
