package dev.opensigma.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar with rate and ETA on a terminal; plain log lines every few seconds
 * otherwise (so CI logs and redirected output stay readable).
 */
final class ProgressBar {

    private final PrintStream out;
    private final String unit;
    private final long total;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long lastDraw;

    ProgressBar(PrintStream out, String unit, long total) {
        this.out = out;
        this.unit = unit;
        this.total = total;
        this.terminal = System.console() != null;
    }

    void update(long done) {
        long now = System.nanoTime();
        long interval = terminal ? 100_000_000L : 5_000_000_000L;
        if (now - lastDraw < interval && done < total) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max((now - started) / 1e9, 1e-3);
        double rate = done / seconds;
        double fraction = total <= 0 ? 1 : Math.min(1.0, (double) done / total);
        long eta = rate <= 0 ? 0 : (long) ((total - done) / rate);
        int filled = (int) Math.round(fraction * 30);
        String text = String.format("[%s%s] %3.0f%% %,d/%,d %s  %,.0f %s/s  ETA %ds",
                "#".repeat(filled), " ".repeat(30 - filled), fraction * 100, done, total, unit, rate, unit, eta);
        if (terminal) {
            out.print("\r" + text);
        } else {
            out.println(text);
        }
        out.flush();
    }

    void finish() {
        if (terminal) {
            out.println();
        }
    }
}
