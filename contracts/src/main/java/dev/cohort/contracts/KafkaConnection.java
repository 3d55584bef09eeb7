package dev.cohort.contracts;

import java.util.Map;
import java.util.Properties;

/**
 * The settings a Kafka client that a service builds itself (a share consumer, an admin client) takes from the
 * service's {@code kafka.*} configuration so that it reaches and logs in to the same broker as its channels: the
 * bootstrap servers and every {@code security.protocol}, {@code sasl.*} and {@code ssl.*} setting.
 */
public final class KafkaConnection {

    private KafkaConnection() {
    }

    /** A new {@link Properties} with the connection settings out of {@code kafkaConfig} (e.g. Quarkus's default-kafka-broker map). */
    public static Properties of(Map<String, ?> kafkaConfig) {
        Properties p = new Properties();
        kafkaConfig.forEach((key, value) -> {
            if (value != null && (key.equals("bootstrap.servers") || key.equals("security.protocol")
                    || key.startsWith("sasl.") || key.startsWith("ssl."))) {
                p.put(key, value);
            }
        });
        return p;
    }
}
