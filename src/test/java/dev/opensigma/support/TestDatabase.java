package dev.opensigma.support;

import dev.opensigma.store.ConnectionInfo;
import dev.opensigma.store.Database;
import dev.opensigma.store.DatabaseSettings;
import dev.opensigma.store.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real embedded PostgreSQL per test JVM (started on first use, stopped at exit); every test
 * gets a fresh schema in it, so tests are isolated without paying a server start each.
 */
public final class TestDatabase {

    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static EmbeddedPostgresServer server;

    private TestDatabase() {
    }

    /** The data directory of the shared server (under target/, reachable by an unprivileged user). */
    public static Path dataDir() {
        return Path.of("target", "test-postgres").toAbsolutePath();
    }

    public static synchronized ConnectionInfo server() {
        if (server == null) {
            try {
                Files.createDirectories(dataDir().getParent());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            server = EmbeddedPostgresServer.startOrAttach(dataDir());
            EmbeddedPostgresServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return server.connection();
    }

    /** True when this JVM started (or adopted) the shared server, rather than attached to another process's. */
    public static synchronized boolean ownsServer() {
        server();
        return server.ownsServer();
    }

    /** Settings for a brand-new schema on the shared server. */
    public static DatabaseSettings freshSettings() {
        String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        return new DatabaseSettings(Optional.of(server().jdbcUrlWithCredentials()), dataDir(), schema);
    }

    /** A migrated database in a brand-new schema. */
    public static Database fresh() {
        Database db = Database.open(freshSettings(), 8);
        db.migrate();
        return db;
    }

    /** Runs a query and returns all rows, each column as text (null stays null). */
    public static List<List<String>> rows(Database db, String sql, Object... params) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(Database db, String sql, Object... params) {
        return Long.parseLong(rows(db, sql, params).getFirst().getFirst());
    }
}
