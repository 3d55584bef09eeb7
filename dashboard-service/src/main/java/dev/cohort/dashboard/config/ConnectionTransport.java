package dev.cohort.dashboard.config;

import io.netty.channel.epoll.Epoll;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Says at start which transport the HTTP connections use. On Linux the dashboard asks for epoll
 * ({@code quarkus.vertx.prefer-native-transport}): with a thousand browser streams, each write is a system call, and
 * epoll makes fewer of them, with less garbage, than Java's NIO. Where epoll cannot be loaded the connections run on
 * NIO, and this line says why.
 */
@ApplicationScoped
public class ConnectionTransport {

    void onStart(@Observes StartupEvent start, Vertx vertx) {
        if (vertx.isNativeTransportEnabled()) {
            Log.info("HTTP connections use epoll");
        } else {
            Throwable cause = Epoll.unavailabilityCause();
            Log.infof("HTTP connections use Java NIO%s", cause == null ? "" : ": epoll is not available here (" + cause + ")");
        }
    }
}
