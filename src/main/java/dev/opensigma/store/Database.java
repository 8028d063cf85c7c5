package dev.opensigma.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * An open database: the connection pool, the schema OpenSigma writes to, and the embedded server
 * behind them when there is one. Connections have {@code search_path} set to the schema, so SQL
 * elsewhere names tables without a schema prefix.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource pool;
    private final ConnectionInfo connection;
    private final String schema;
    private final EmbeddedPostgresServer embedded;
    private final DatabaseSettings settings;

    /** Makes the read-only role able to read everything in the schema, now and later. */
    private static final String GRANT_READER = """
            do $$
            begin
                if not exists (select from pg_roles where rolname = '%1$s') then
                    create role %1$s login;
                end if;
            end
            $$;
            alter role %1$s password '%2$s';
            alter role %1$s set default_transaction_read_only = on;
            grant usage on schema %3$s to %1$s;
            grant select on all tables in schema %3$s to %1$s;
            alter default privileges in schema %3$s grant select on tables to %1$s;
            do $$
            begin
                -- Signing secrets are not for queries.
                if to_regclass('%3$s.webhook_secrets') is not null then
                    revoke all on %3$s.webhook_secrets from %1$s;
                end if;
            end
            $$;""";

    private Database(HikariDataSource pool, ConnectionInfo connection, DatabaseSettings settings,
                     EmbeddedPostgresServer embedded) {
        this.pool = pool;
        this.settings = settings;
        String schema = settings.schema();
        this.connection = connection;
        this.schema = schema;
        this.embedded = embedded;
    }

    /** Opens the database named by the settings, starting the embedded server if needed. */
    public static Database open(DatabaseSettings settings, int poolSize) {
        EmbeddedPostgresServer embedded = null;
        ConnectionInfo info;
        if (settings.databaseUrl().isPresent()) {
            info = DatabaseUrl.parse(settings.databaseUrl().get());
        } else {
            embedded = EmbeddedPostgresServer.startOrAttach(settings.dataDir());
            info = embedded.connection();
        }
        try {
            return new Database(pool(info, settings.schema(), poolSize), info, settings, embedded);
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    private static HikariDataSource pool(ConnectionInfo info, String schema, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("opensigma");
        config.setJdbcUrl(info.jdbcUrl());
        if (info.user() != null) {
            config.setUsername(info.user());
        }
        if (info.password() != null) {
            config.setPassword(info.password());
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        // Fail fast when the database is down, so webhooks get a 503 (and Stripe retries)
        // instead of hanging; the pool reconnects by itself once the server is back.
        config.setConnectionTimeout(3_000);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("currentSchema", schema + ",public");
        config.addDataSourceProperty("ApplicationName", "opensigma");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("connectTimeout", "3");
        return new HikariDataSource(config);
    }

    /** Creates or upgrades the schema. Safe to run at every start; never drops data. */
    public int migrate() {
        var result = Flyway.configure()
                .dataSource(pool)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .locations("classpath:db/migration")
                .validateMigrationNaming(true)
                // A server just started or adopted, or a busy machine, can take a few seconds to answer.
                .connectRetries(5)
                .connectRetriesInterval(2)
                .load()
                .migrate();
        if (embedded != null) {
            grantReader();
        }
        return result.migrationsExecuted;
    }

    /**
     * A connection that cannot change data, for user queries. On the embedded server it logs in
     * as {@code opensigma_reader}, a role with SELECT rights only (set up by {@link #migrate()}).
     * On an external server it is a read-only session of the configured user, and
     * {@link #readOnlySql} confines the text to a single query.
     */
    public Connection readOnlyConnection() throws SQLException {
        Connection c;
        if (embedded != null) {
            ConnectionInfo reader = embedded.readerConnection();
            java.util.Properties props = new java.util.Properties();
            props.setProperty("user", reader.user());
            props.setProperty("password", reader.password());
            props.setProperty("currentSchema", schema + ",public");
            props.setProperty("ApplicationName", "opensigma-query");
            try {
                c = java.sql.DriverManager.getConnection(reader.jdbcUrl(), props);
            } catch (SQLException e) {
                throw new SQLException("Could not log in as the read-only role " + reader.user() + ": " + e.getMessage()
                        + ". Run './opensigma migrate' (or start serve) once to set it up.", e.getSQLState(), e);
            }
        } else {
            c = pool.getConnection();
        }
        c.setReadOnly(true);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("set session characteristics as transaction read only");
        }
        return c;
    }

    /**
     * The text to run for a user query on {@link #readOnlyConnection()}. On an external server,
     * where the user may have write rights, the query is wrapped as a subquery: that admits a
     * single SELECT (or WITH ... SELECT) and nothing that could end the read-only transaction or
     * change data. The embedded server's read-only role needs no such limit.
     */
    public String readOnlySql(String sql) {
        if (embedded != null) {
            return sql;
        }
        String single = sql.strip().replaceAll(";+$", "").strip();
        return "select * from (\n" + single + "\n) as query";
    }

    /** True when the schema exists, i.e. something was migrated or stored there. */
    public boolean schemaExists() throws SQLException {
        try (Connection c = pool.getConnection();
             java.sql.PreparedStatement s = c.prepareStatement("select 1 from pg_namespace where nspname = ?")) {
            s.setString(1, schema);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    public String schema() {
        return schema;
    }

    public ConnectionInfo connectionInfo() {
        return connection;
    }

    private void grantReader() {
        ConnectionInfo reader = embedded.readerConnection();
        try (Connection admin = pool.getConnection(); Statement s = admin.createStatement()) {
            s.execute(GRANT_READER.formatted(reader.user(), reader.password(), schema));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not set up the read-only role: " + e.getMessage(), e);
        }
    }

    /** A cheap round trip, for health checks. */
    public boolean isReachable() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("select 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
