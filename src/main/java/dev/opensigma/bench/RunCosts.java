package dev.opensigma.bench;

/**
 * What one run cost the machine, per acknowledged event: CPU time of the JVM (server and load
 * generator share it; {@code jitMillis} of it went to JIT compilation) and of PostgreSQL, and how
 * many events each commit carried.
 *
 * @param jitMillis         negative when unknown (no /proc)
 * @param postgresCpuMillis negative when unknown (no /proc)
 */
record RunCosts(double eventsPerCommit, double jvmCpuMillis, double jitMillis, double postgresCpuMillis) {

    static final RunCosts UNKNOWN = new RunCosts(0, -1, -1, -1);

    static RunCosts of(CpuMeter.Reading cpu, CommitCount commits, long events) {
        if (events == 0) {
            return UNKNOWN;
        }
        return new RunCosts(commits.observationsPerCommit(), cpu.jvmNanos() / 1e6 / events,
                cpu.jitNanos() < 0 ? -1 : cpu.jitNanos() / 1e6 / events,
                cpu.postgresNanos() < 0 ? -1 : cpu.postgresNanos() / 1e6 / events);
    }
}
