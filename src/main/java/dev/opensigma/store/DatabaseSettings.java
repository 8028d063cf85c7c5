package dev.opensigma.store;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach the database: an external server when {@code databaseUrl} is present, otherwise
 * the embedded server whose files live in {@code dataDir}.
 */
public record DatabaseSettings(Optional<String> databaseUrl, Path dataDir, String schema) {

    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public DatabaseSettings {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("Schema name '" + schema
                    + "' is not usable: expected lower-case letters, digits and underscores,"
                    + " starting with a letter (for example 'stripe').");
        }
        databaseUrl = databaseUrl.filter(url -> !url.isBlank());
    }
}
