package dev.cohort.context.config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

/**
 * Says at start when no key to verify tokens with is configured. The store still starts (health and metrics stay
 * useful), but it refuses every token, so every /api call is a 401.
 */
@Singleton
public class VerificationKeyCheck {

    static final String LOCATION = "mp.jwt.verify.publickey.location";
    static final String KEY = "mp.jwt.verify.publickey";

    void onStart(@Observes StartupEvent event, Config config) {
        boolean configured = config.getOptionalValue(LOCATION, String.class).filter(v -> !v.isBlank()).isPresent()
                || config.getOptionalValue(KEY, String.class).filter(v -> !v.isBlank()).isPresent();
        if (!configured) {
            Log.warnf("No token verification key is configured (%s, env MP_JWT_VERIFY_PUBLICKEY_LOCATION): every"
                    + " request to /api will be refused with 401", LOCATION);
        }
    }
}
