package dev.cohort.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Makes the test key pair before any test of the JVM runs, so a Quarkus application under test finds the public key
 * its {@code %test} profile names when it boots.
 */
public class TestKeysSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        TestTokens.publicKey();
    }
}
