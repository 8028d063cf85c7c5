package dev.opensigma.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL 17 server that runs from the data directory when no {@code DATABASE_URL} is
 * given. Its files survive restarts; it listens on 127.0.0.1 only (no Unix socket) and requires
 * the password generated at first start and kept in {@code <data-dir>/password} (mode 0600).
 *
 * <p>One process owns the server at a time (a lock file in the data directory says which). A
 * second OpenSigma process on the same data directory (say {@code query} while {@code serve}
 * runs) attaches to the running server instead. A server left running by an owner that was
 * killed is adopted by the next process, which stops it when it ends.
 *
 * <p>PostgreSQL refuses to run as root. When OpenSigma runs as root (containers, CI), the server
 * runs as the unprivileged user named by {@code OPENSIGMA_PG_USER} (default {@code nobody}).
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final String SUPERUSER = "postgres";
    private static final String DATABASE = "postgres";
    static final String READER = "opensigma_reader";
    /** Data directories (real paths) whose server this process owns, i.e. holds the lock of. */
    private static final java.util.Set<Path> OWNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path dataDir;
    private final ConnectionInfo connection;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Path bin;
    private final Optional<String> runAs;

    private EmbeddedPostgresServer(Path dataDir, ConnectionInfo connection, FileChannel lockChannel, FileLock lock,
                                   Path bin, Optional<String> runAs) {
        this.dataDir = dataDir;
        this.connection = connection;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.bin = bin;
        this.runAs = runAs;
    }

    /** The address and credentials of the server of {@code dataDir}, without starting it. */
    public static ConnectionInfo connectionInfo(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            return new ConnectionInfo("jdbc:postgresql://127.0.0.1:" + readOrChoosePort(dataDir.resolve("port")) + "/"
                    + DATABASE, SUPERUSER, readOrCreateSecret(dataDir.resolve("password")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static EmbeddedPostgresServer startOrAttach(Path dataDir) {
        Path given = dataDir.toAbsolutePath().normalize();
        try {
            ConnectionInfo info = connectionInfo(given);
            Path dir = given.toRealPath();
            Path lockFile = dir.resolve("opensigma.lock");
            FileChannel channel;
            FileLock lock;
            // Checked and taken under one monitor, so two threads of this process cannot both lock.
            synchronized (OWNED) {
                if (OWNED.contains(dir)) {
                    // This very process runs the server. Do not open (and close) another channel on
                    // the lock file: closing any descriptor of a file drops all of the process's
                    // POSIX locks on it, so the owner would silently lose its lock.
                    requireReachable(info, dir);
                    return new EmbeddedPostgresServer(dir, info, null, null, null, Optional.empty());
                }
                channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                try {
                    lock = channel.tryLock();
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
                if (lock != null) {
                    OWNED.add(dir);
                }
            }
            if (lock == null) {
                channel.close();
                requireReachable(info, dir);
                log.debug("Using the embedded PostgreSQL that another OpenSigma process runs for {}", dir);
                return new EmbeddedPostgresServer(dir, info, null, null, null, Optional.empty());
            }
            try {
                Optional<String> runAs = isRoot()
                        ? Optional.of(Optional.ofNullable(System.getenv("OPENSIGMA_PG_USER")).orElse("nobody"))
                        : Optional.empty();
                EmbeddedPostgresServer server = new EmbeddedPostgresServer(dir, info, channel, lock,
                        PostgresBinaries.unpacked().resolve("bin"), runAs);
                server.initIfNeeded();
                server.startIfNeeded();
                return server;
            } catch (IOException | RuntimeException e) {
                OWNED.remove(dir);
                lock.release();
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + given + ": " + e.getMessage()
                    + ". Check that the directory is writable, or set DATABASE_URL to use an external PostgreSQL.", e);
        }
    }

    public ConnectionInfo connection() {
        return connection;
    }

    /** True when this process runs the server and stops it on close. */
    public boolean ownsServer() {
        return lock != null;
    }

    /** The read-only login used by {@code query}; its password is kept beside the superuser's. */
    public ConnectionInfo readerConnection() {
        try {
            return new ConnectionInfo(connection.jdbcUrl(), READER, readOrCreateSecret(dataDir.resolve("reader-password")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path pgData() {
        return dataDir.resolve("postgres");
    }

    private void initIfNeeded() throws IOException {
        if (Files.exists(pgData().resolve("PG_VERSION"))) {
            return;
        }
        if (Files.exists(pgData())) {
            try (var entries = Files.list(pgData())) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(pgData() + " exists but holds no PostgreSQL data directory; move it away");
                }
            }
        }
        Files.createDirectories(pgData());
        PostgresBinaries.setPermissions(pgData(), "rwx------");
        Path pwfile = dataDir.resolve(".initdb-password");
        Files.writeString(pwfile, connection.password() + "\n");
        PostgresBinaries.setPermissions(pwfile, "rw-------");
        try {
            if (runAs.isPresent()) {
                // The server's user needs to reach its directory; the data dir stays unlistable.
                PostgresBinaries.setPermissions(dataDir, "rwx--x--x");
                chown(pgData());
                chown(pwfile);
            }
            run(List.of(bin.resolve("initdb").toString(), "-D", pgData().toString(), "-U", SUPERUSER,
                    "-E", "UTF-8", "--locale=C", "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                    "--pwfile=" + pwfile), 120, "initdb");
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    private void startIfNeeded() throws IOException {
        if (run(List.of(bin.resolve("pg_ctl").toString(), "status", "-D", pgData().toString()), 30, null) == 0) {
            log.info("Adopting the embedded PostgreSQL left running in {}", pgData());
            return;
        }
        int port = Integer.parseInt(connection.jdbcUrl().replaceAll(".*:(\\d+)/.*", "$1"));
        String options = String.join(" ",
                "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=''",
                "-c", "wal_compression=pglz", // zonky's PostgreSQL is built without lz4
                "-c", "max_connections=100",
                "-c", "fsync=on",
                "-c", "synchronous_commit=on");
        int exit = run(List.of(bin.resolve("pg_ctl").toString(), "start", "-D", pgData().toString(), "-w", "-t", "60",
                "-l", pgData().resolve("server.log").toString(), "-o", options), 90, null);
        if (exit != 0) {
            throw new IOException("PostgreSQL did not start (pg_ctl exit " + exit + "). Its log says:\n"
                    + tail(pgData().resolve("server.log"), 15) + "\nIf the port " + port + " is taken by another"
                    + " program, put a free port number in " + dataDir.resolve("port") + ".");
        }
    }

    @Override
    public void close() {
        if (lock == null) {
            return;
        }
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", pgData().toString(), "-m", "fast", "-w",
                    "-t", "60"), 90, null);
        } catch (IOException e) {
            log.warn("Could not stop the embedded PostgreSQL cleanly: {}", e.getMessage());
        } finally {
            try {
                OWNED.remove(dataDir);
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                log.debug("Releasing the data directory lock: {}", e.getMessage());
            }
        }
    }

    /** Runs a PostgreSQL tool (as the unprivileged user when needed); returns its exit code. */
    private int run(List<String> command, int timeoutSeconds, String failIfNonZero) throws IOException {
        List<String> full = new ArrayList<>();
        if (runAs.isPresent()) {
            full.addAll(List.of("runuser", "-u", runAs.get(), "--"));
        }
        full.addAll(command);
        Path output = Files.createTempFile("opensigma-pg-", ".out");
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0 && failIfNonZero != null) {
                throw new IOException(failIfNonZero + " failed (exit " + p.exitValue() + "): " + Files.readString(output).strip()
                        + runAs.map(u -> "\n(PostgreSQL runs as '" + u + "' because OpenSigma runs as root; that user"
                        + " must be able to reach " + dataDir + ": make its parent directories traversable"
                        + " (chmod o+x) or set OPENSIGMA_PG_USER)").orElse(""));
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + command.getFirst(), e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private void chown(Path path) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(path, users.lookupPrincipalByName(runAs.orElseThrow()));
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }

    private static void requireReachable(ConnectionInfo info, Path dataDir) {
        try (Connection ignored = DriverManager.getConnection(info.jdbcUrl(), info.user(), info.password())) {
            // reachable
        } catch (SQLException e) {
            throw new IllegalStateException("The data directory " + dataDir + " is in use by another OpenSigma"
                    + " process, but its database does not answer on " + info.jdbcUrl() + " (" + e.getMessage()
                    + "). Wait for the other process to finish starting, stop it, or use another --data-dir.", e);
        }
    }

    private static String readOrCreateSecret(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        writePrivate(file, secret + "\n");
        return secret;
    }

    private static int readOrChoosePort(Path file) throws IOException {
        if (Files.exists(file)) {
            return Integer.parseInt(Files.readString(file).strip());
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        writePrivate(file, port + "\n");
        return port;
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content);
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
