package dev.opensigma.cli;

import java.io.Console;
import java.io.PrintWriter;

/**
 * A one-line progress bar with rate and ETA on a terminal; plain log lines every few seconds
 * otherwise (so CI logs and redirected output stay readable).
 */
final class ProgressBar {

    private final PrintWriter out;
    private final String unit;
    private final long total;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long lastDraw;
    private long lastDone = -1;
    private long latest;

    ProgressBar(PrintWriter out, String unit, long total, boolean terminal) {
        this.out = out;
        this.unit = unit;
        this.total = total;
        this.terminal = terminal;
    }

    /** A bar that redraws in place when the process runs in a terminal, and logs lines otherwise. */
    static ProgressBar forTerminalIfAny(PrintWriter out, String unit, long total) {
        return new ProgressBar(out, unit, total, isTerminal());
    }

    /**
     * True when the process is attached to a terminal. From Java 22 on, {@link System#console()}
     * may return a console even when input and output are redirected; {@code Console.isTerminal()}
     * (Java 22+, called reflectively as this is compiled for 21) tells the two apart.
     */
    static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // Java 21: a console exists only on a terminal
        }
    }

    void update(long done) {
        latest = done;
        if (done == lastDone) {
            return;
        }
        long now = System.nanoTime();
        long interval = terminal ? 100_000_000L : 5_000_000_000L;
        if (lastDone >= 0 && now - lastDraw < interval && done < total) {
            return;
        }
        draw(now, done);
    }

    private void draw(long now, long done) {
        lastDraw = now;
        lastDone = done;
        double seconds = Math.max((now - started) / 1e9, 1e-3);
        double rate = done / seconds;
        double fraction = total <= 0 ? 1 : Math.min(1.0, (double) done / total);
        long eta = rate <= 0 ? 0 : (long) (Math.max(0, total - done) / rate);
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

    /** Shows the final count (if the last update did not draw it) and ends the line on a terminal. */
    void finish() {
        if (latest != lastDone) {
            draw(System.nanoTime(), latest);
        }
        if (terminal) {
            out.println();
            out.flush();
        }
    }
}
