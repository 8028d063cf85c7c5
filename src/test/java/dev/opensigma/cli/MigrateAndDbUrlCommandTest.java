package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.opensigma.support.TestDatabase;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code migrate} and {@code db-url}, and attaching in-process to the server this JVM runs. */
class MigrateAndDbUrlCommandTest {

    @Test
    void migrateTwiceSaysTheSecondTimeThatTheSchemaIsUpToDate() throws Exception {
        String schema = Cli.freshSchema("cli_migrate");

        Cli.Result first = Cli.onSchema(schema, "migrate");
        Cli.Result second = Cli.onSchema(schema, "migrate");

        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).matches("Applied [1-9]\\d* migration\\(s\\) to schema '" + schema + "'\\.\\R");
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.out()).isEqualTo("Schema '" + schema + "' is up to date." + System.lineSeparator());
        try (Connection c = connectAsAdmin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from information_schema.tables where table_schema = '"
                     + schema + "' and table_name in ('events', 'object_versions', 'objects')")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
    }

    @Test
    void anUnusableSchemaNameIsRefusedClearly() {
        Cli.Result r = Cli.onSchema("Robert'); drop table events;--", "migrate");

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("Schema name").contains("not usable");
    }

    @Test
    void dbUrlPrintsAPostgresUrlWhoseCredentialsConnect() throws Exception {
        Cli.Result r = Cli.onSchema(Cli.freshSchema("cli_dburl"), "db-url");

        assertThat(r.exit()).as(r.toString()).isZero();
        String url = r.out().strip();
        assertThat(r.out().lines().toList()).hasSize(1);
        assertThat(url).startsWith("postgresql://");
        URI uri = URI.create(url);
        String[] credentials = uri.getRawUserInfo().split(":", 2);
        assertThat(credentials).hasSize(2);
        String user = URLDecoder.decode(credentials[0], StandardCharsets.UTF_8);
        String password = URLDecoder.decode(credentials[1], StandardCharsets.UTF_8);
        String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
        try (Connection c = DriverManager.getConnection(jdbc, user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_user, current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(user);
            assertThat("/" + rs.getString(2)).isEqualTo(uri.getPath());
        }
    }

    @Test
    void dbUrlJdbcPrintsAJdbcUrlThatConnectsOnItsOwn() throws Exception {
        Cli.Result r = Cli.onSchema(Cli.freshSchema("cli_dburl"), "db-url", "--jdbc");

        assertThat(r.exit()).as(r.toString()).isZero();
        String url = r.out().strip();
        assertThat(url).startsWith("jdbc:postgresql://");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
    }

    @Test
    void aWrongPasswordDoesNotConnect() {
        // Guards the two tests above: the server really checks passwords.
        String url = TestDatabase.server().jdbcUrl();
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "wrong"))
                .hasMessageContaining("password authentication failed");
    }

    /**
     * Running a command in-process attaches to the server this JVM owns, and must not drop the
     * JVM's lock on the data directory (closing any descriptor of a file drops all of a process's
     * POSIX locks on it, after which another process could adopt and stop the server).
     */
    @Test
    void attachingInProcessKeepsTheOwnersLockOnTheDataDirectory() throws Exception {
        TestDatabase.server();
        Path lockFile = TestDatabase.dataDir().resolve("opensigma.lock");
        assumeTrue(Files.exists(Path.of("/proc/locks")), "needs Linux /proc/locks");
        assumeTrue(TestDatabase.ownsServer(),
                "this JVM does not own the test server (another process runs it)");
        // Earlier tests in this JVM have run commands in-process already.
        assertThat(heldByThisProcess(lockFile)).as("lock held before").isTrue();

        Cli.Result r = Cli.onSchema(Cli.freshSchema("cli_lock"), "migrate");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(heldByThisProcess(lockFile)).as("lock still held after an in-process command").isTrue();
        try (Connection c = connectAsAdmin()) {
            assertThat(c.isValid(2)).as("the server still runs").isTrue();
        }
    }

    /** True when /proc/locks lists a lock of this process on the file's inode. */
    private static boolean heldByThisProcess(Path file) throws Exception {
        long inode = (Long) Files.getAttribute(file, "unix:ino");
        String pid = Long.toString(ProcessHandle.current().pid());
        List<String> locks = Files.readAllLines(Path.of("/proc/locks"));
        return locks.stream().map(l -> l.trim().split("\\s+"))
                .anyMatch(f -> f.length > 5 && f[4].equals(pid) && f[5].endsWith(":" + inode));
    }

    private static Connection connectAsAdmin() throws Exception {
        var info = TestDatabase.server();
        return DriverManager.getConnection(info.jdbcUrl(), info.user(), info.password());
    }
}
