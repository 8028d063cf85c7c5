package dev.opensigma.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * CPU time used so far by this JVM (server and load generator together) and by the PostgreSQL
 * server (the postmaster and all its processes). On a shared machine the wall-clock figures move
 * with the neighbours' load; CPU time per event moves much less and says where the time goes.
 * PostgreSQL's share is read from Linux's /proc; elsewhere it is unknown.
 */
final class CpuMeter {

    /** What /proc counts in: USER_HZ, 100 on every Linux architecture Java runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    /** CPU time in nanoseconds; {@code postgresNanos} is -1 when unknown. */
    record Reading(long jvmNanos, long postgresNanos) {

        Reading since(Reading earlier) {
            return new Reading(jvmNanos - earlier.jvmNanos,
                    postgresNanos < 0 || earlier.postgresNanos < 0 ? -1 : postgresNanos - earlier.postgresNanos);
        }
    }

    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Optional<Long> postmaster;

    /** @param postmaster the pid of PostgreSQL's postmaster, if known */
    CpuMeter(Optional<Long> postmaster) {
        this.postmaster = postmaster;
    }

    /** The parent of {@code backendPid} (from {@code pg_backend_pid()}): the postmaster, when /proc can tell. */
    static Optional<Long> parentOf(long backendPid) {
        return stat(Path.of("/proc", Long.toString(backendPid), "stat")).map(fields -> Long.parseLong(fields[1]));
    }

    Reading read() {
        return new Reading(os.getProcessCpuTime(), postmaster.map(this::postgresNanos).orElse(-1L));
    }

    /**
     * The postmaster's own time and that of its exited children (cutime, cstime), plus the time
     * of the children alive now (backends, WAL writer, checkpointer...).
     */
    private long postgresNanos(long pid) {
        Optional<String[]> self = stat(Path.of("/proc", Long.toString(pid), "stat"));
        if (self.isEmpty()) {
            return -1;
        }
        long ticks = ticks(self.get(), 11) + ticks(self.get(), 12) + ticks(self.get(), 13) + ticks(self.get(), 14);
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            ticks += processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .map(p -> stat(p.resolve("stat")))
                    .flatMap(Optional::stream)
                    .filter(fields -> Long.parseLong(fields[1]) == pid)
                    .mapToLong(fields -> ticks(fields, 11) + ticks(fields, 12))
                    .sum();
        } catch (IOException e) {
            return -1;
        }
        return ticks * NANOS_PER_TICK;
    }

    /** The fields of /proc/PID/stat after the command name, so that index 0 is the state, 1 the ppid. */
    private static Optional<String[]> stat(Path file) {
        try {
            String line = Files.readString(file);
            return Optional.of(line.substring(line.lastIndexOf(')') + 2).split(" "));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not Linux, or the process is gone
        }
    }

    private static long ticks(String[] fields, int index) {
        return Long.parseLong(fields[index]);
    }
}
