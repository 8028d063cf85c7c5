package dev.opensigma.bench;

/**
 * What one run cost the machine, per acknowledged event: CPU time of the JVM (server and load
 * generator share it; {@code jitMillis} of it went to JIT compilation) and of PostgreSQL, the
 * write-ahead log PostgreSQL wrote, how many events each commit carried, and how many
 * checkpoints started during the run.
 *
 * @param jitMillis         negative when unknown (no /proc)
 * @param postgresCpuMillis negative when unknown (no /proc)
 * @param walBytes          WAL bytes per event; negative when unknown
 * @param checkpoints       checkpoints started during the run; negative when unknown
 */
record RunCosts(double eventsPerCommit, double jvmCpuMillis, double jitMillis, double postgresCpuMillis,
                double walBytes, long checkpoints) {

    static final RunCosts UNKNOWN = new RunCosts(0, -1, -1, -1, -1, -1);

    static RunCosts of(CpuMeter.Reading cpu, WalMeter.Reading wal, CommitCount commits, long events) {
        if (events == 0) {
            return UNKNOWN;
        }
        return new RunCosts(commits.observationsPerCommit(), cpu.jvmNanos() / 1e6 / events,
                cpu.jitNanos() < 0 ? -1 : cpu.jitNanos() / 1e6 / events,
                cpu.postgresNanos() < 0 ? -1 : cpu.postgresNanos() / 1e6 / events,
                wal.walBytes() < 0 ? -1 : (double) wal.walBytes() / events, wal.checkpoints());
    }
}
