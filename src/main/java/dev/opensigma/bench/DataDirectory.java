package dev.opensigma.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The scratch data directory of a benchmark's embedded PostgreSQL: always new (figures from a
 * database that already holds data would not be comparable), and deleted afterwards unless kept.
 */
public final class DataDirectory implements AutoCloseable {

    private final Path path;
    private final boolean keep;

    private DataDirectory(Path path, boolean keep) {
        this.path = path;
        this.keep = keep;
    }

    /** Creates {@code requested}, which must not exist or be empty, or a new directory under the system temp dir. */
    public static DataDirectory create(Optional<Path> requested, boolean keep) throws IOException {
        Path dir;
        if (requested.isPresent()) {
            dir = requested.get().toAbsolutePath().normalize();
            if (Files.exists(dir) && !isEmptyDirectory(dir)) {
                throw new IOException("--data-dir " + dir + " is not empty; the benchmark needs a fresh directory"
                        + " (leave --data-dir out to use a new temporary one).");
            }
            Files.createDirectories(dir);
        } else {
            dir = Files.createTempDirectory("opensigma-bench-");
        }
        // When OpenSigma runs as root, PostgreSQL runs as an unprivileged user that must reach
        // the directory; x without r lets it in without letting it list.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        return new DataDirectory(dir, keep);
    }

    public Path path() {
        return path;
    }

    public boolean kept() {
        return keep;
    }

    /** Deletes the directory and everything in it, unless it is to be kept. Call after the database is closed. */
    @Override
    public void close() throws IOException {
        if (keep) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** {@link #close()} for shutdown hooks: reports a failure instead of throwing it. */
    void deleteQuietly() {
        try {
            close();
        } catch (IOException | java.io.UncheckedIOException e) {
            System.err.println("Could not delete " + path + ": " + e.getMessage());
        }
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
