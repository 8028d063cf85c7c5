package dev.opensigma.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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

    /**
     * CPU time in nanoseconds; {@code jitNanos} and {@code postgresNanos} are -1 when unknown.
     * {@code jitNanos} is the CPU time of the JIT compiler threads (part of {@code jvmNanos}): a
     * JVM only minutes old still compiles, and on few cores that competes with the measured work.
     */
    record Reading(long jvmNanos, long jitNanos, long postgresNanos) {

        Reading since(Reading earlier) {
            return new Reading(jvmNanos - earlier.jvmNanos,
                    jitNanos < 0 || earlier.jitNanos < 0 ? -1 : jitNanos - earlier.jitNanos,
                    postgresNanos < 0 || earlier.postgresNanos < 0 ? -1 : postgresNanos - earlier.postgresNanos);
        }
    }

    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    /** Ticks seen per compiler thread: the JVM may stop one, and its time must not vanish from the sum. */
    private final Map<String, Long> compilerTicks = new HashMap<>();
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
        return new Reading(os.getProcessCpuTime(), jitNanos(), postmaster.map(this::postgresNanos).orElse(-1L));
    }

    /** The CPU time of HotSpot's compiler threads ("C1 CompilerThre", "C2 CompilerThre" in /proc). */
    private synchronized long jitNanos() {
        try (Stream<Path> threads = Files.list(Path.of("/proc/self/task"))) {
            for (Path thread : threads.toList()) {
                Optional<String[]> fields = stat(thread.resolve("stat"));
                if (fields.isPresent() && isCompiler(thread)) {
                    compilerTicks.put(thread.getFileName().toString(), ticks(fields.get(), 11) + ticks(fields.get(), 12));
                }
            }
        } catch (IOException e) {
            return -1; // not Linux
        }
        return compilerTicks.values().stream().mapToLong(Long::longValue).sum() * NANOS_PER_TICK;
    }

    private static boolean isCompiler(Path thread) {
        try {
            return Files.readString(thread.resolve("comm")).matches("C[12] CompilerThre.*\\s*");
        } catch (IOException e) {
            return false; // the thread ended
        }
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
