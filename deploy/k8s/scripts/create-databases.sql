-- The databases of the orchestrator and the context store (quarkus.datasource.*.url in their application.properties).
-- Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d).
CREATE DATABASE cohort_orchestrator;
CREATE DATABASE cohort_context;
