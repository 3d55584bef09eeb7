package dev.cohort.dashboard.security;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Says at start when there is no key to verify tokens with. smallrye-jwt then refuses every token (the dashboard
 * stays closed, as it should), but quietly: without this line a deployment missing its key looks like bad tokens.
 */
@ApplicationScoped
public class VerificationKeyCheck {

    void onStart(@Observes StartupEvent start,
                 @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> location,
                 @ConfigProperty(name = "mp.jwt.verify.publickey") Optional<String> key,
                 @ConfigProperty(name = "smallrye.jwt.verify.key.location") Optional<String> smallryeLocation) {
        if (location.isEmpty() && key.isEmpty() && smallryeLocation.isEmpty()) {
            Log.warn("No key to verify tokens with: every request to /api is refused with 401 until "
                    + "MP_JWT_VERIFY_PUBLICKEY_LOCATION names the issuer's public key "
                    + "(e.g. file:/etc/cohort/jwt/public.pem)");
        }
    }
}
