package dev.opensigma.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The machine a benchmark ran on, as far as it matters to the figures. */
record Machine(int cpus, String cpuModel, long memoryBytes, String os, String jdk) {

    /** Reads this machine's description (from /proc on Linux; "unknown" where it cannot). */
    static Machine describe() {
        String jdk = System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")";
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
        return new Machine(Runtime.getRuntime().availableProcessors(), readCpuModel(), readMemoryBytes(), os, jdk);
    }

    String summary() {
        return String.format(Locale.ROOT, "%d CPUs (%s), %.1f GiB RAM, %s, %s",
                cpus, cpuModel, memoryBytes / (1024.0 * 1024 * 1024), os, jdk);
    }

    private static String readCpuModel() {
        return procField("/proc/cpuinfo", "model name").orElse("unknown CPU");
    }

    private static long readMemoryBytes() {
        // "MemTotal:       24562348 kB"
        return procField("/proc/meminfo", "MemTotal")
                .map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) * 1024).orElse(0L);
    }

    private static Optional<String> procField(String file, String name) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file));
            return lines.stream().filter(l -> l.startsWith(name)).map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The 1, 5 and 15 minute load averages ("0.59 / 1.25 / 2.96"), or "unknown" off Linux. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
