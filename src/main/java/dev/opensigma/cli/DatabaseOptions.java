package dev.opensigma.cli;

import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseSettings;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the data is: shared by every command that opens the database. */
final class DatabaseOptions {

    @Option(names = "--data-dir", defaultValue = "${env:OPENSIGMA_DATA_DIR:-./opensigma-data}",
            description = "Directory of the embedded PostgreSQL (used unless DATABASE_URL is set)."
                    + " Env: OPENSIGMA_DATA_DIR. Default: ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--schema", defaultValue = "${env:OPENSIGMA_SCHEMA:-stripe}",
            description = "PostgreSQL schema for OpenSigma's tables. Env: OPENSIGMA_SCHEMA. Default: ${DEFAULT-VALUE}")
    String schema;

    DatabaseSettings settings() {
        return new DatabaseSettings(Optional.ofNullable(System.getenv("DATABASE_URL")), dataDir, schema);
    }

    /** Opens and migrates the database. */
    Database openMigrated(int poolSize) {
        Database db = Database.open(settings(), poolSize);
        try {
            db.migrate();
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }
}
