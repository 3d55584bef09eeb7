package dev.cohort.dashboard.service;

/** A request the dashboard cannot serve, with the HTTP status and words a person can act on. */
public class DashboardException extends RuntimeException {

    private final int status;
    private final String detail;

    public DashboardException(int status, String message, String detail) {
        super(message);
        this.status = status;
        this.detail = detail;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return detail;
    }
}
