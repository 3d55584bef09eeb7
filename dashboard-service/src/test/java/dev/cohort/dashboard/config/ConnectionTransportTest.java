package dev.cohort.dashboard.config;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** On the Linux machines the dashboard ships for, its connections run on epoll, not on Java's NIO. */
@QuarkusTest
class ConnectionTransportTest {

    @Inject
    Vertx vertx;

    @Test
    void connectionsUseEpollOnLinux() {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && Set.of("amd64", "x86_64", "aarch64").contains(arch),
                "epoll is packaged for Linux on x86_64 and aarch64 only");
        assertTrue(Epoll.isAvailable(), () -> "epoll does not load: " + Epoll.unavailabilityCause());
        assertTrue(vertx.isNativeTransportEnabled(), "the HTTP connections run on Java NIO");
    }
}
