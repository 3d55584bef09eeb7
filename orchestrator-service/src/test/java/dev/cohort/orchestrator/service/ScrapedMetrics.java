package dev.cohort.orchestrator.service;

import static io.restassured.RestAssured.given;

import java.util.Arrays;

/** Metrics as Prometheus reads them from /q/metrics. */
public final class ScrapedMetrics {

    private ScrapedMetrics() {
    }

    /** The sum over the series of {@code name} whose labels include all of {@code labels} (e.g. {@code role="x"}). */
    public static double value(String name, String... labels) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            String series = line.substring(0, line.lastIndexOf(' '));
            if (Arrays.stream(labels).allMatch(series::contains)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
