package dev.cohort.orchestrator.rest;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Says at start when there is no key to verify tokens with; every API call is then refused with 401. */
@ApplicationScoped
public class VerificationKeyCheck {

    void onStart(@Observes StartupEvent start,
                 @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> location,
                 @ConfigProperty(name = "mp.jwt.verify.publickey") Optional<String> key) {
        if (location.isEmpty() && key.isEmpty()) {
            Log.warn("No key to verify tokens with: every call to /api and /mcp is refused with 401 until "
                    + "MP_JWT_VERIFY_PUBLICKEY_LOCATION names the issuer's public key or JWKS (docs/security.md)");
        }
    }
}
