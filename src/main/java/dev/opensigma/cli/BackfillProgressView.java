package dev.opensigma.cli;

import dev.opensigma.backfill.BackfillProgress;
import dev.opensigma.backfill.BackfillProgress.TypeProgress;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws a backfill's progress: one line per type with a bar, objects/s and ETA, redrawn in place
 * on a terminal; a few plain log lines every ten seconds otherwise.
 */
final class BackfillProgressView implements AutoCloseable {

    private final BackfillProgress progress;
    private final PrintWriter out;
    private final boolean terminal;
    private final Thread thread;
    private final Map<String, Long> previous = new HashMap<>();
    private long previousAt = System.nanoTime();
    private int drawnLines;

    BackfillProgressView(BackfillProgress progress, PrintWriter out, boolean terminal) {
        this.progress = progress;
        this.out = out;
        this.terminal = terminal;
        this.thread = Thread.ofPlatform().daemon(true).name("backfill-progress").start(this::loop);
    }

    private void loop() {
        long every = terminal ? 1_000 : 10_000;
        while (true) {
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            draw();
        }
    }

    private synchronized void draw() {
        List<TypeProgress> types = progress.snapshot();
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - previousAt) / 1e9);
        StringBuilder b = new StringBuilder();
        if (terminal && drawnLines > 0) {
            b.append("\033[").append(drawnLines).append("F"); // back to the first line drawn last time
        }
        int lines = 0;
        for (TypeProgress t : types) {
            if (t.objects() == 0 && t.rangesOpen() == 0) {
                continue;
            }
            long before = previous.getOrDefault(t.type(), 0L);
            double rate = (t.objects() - before) / seconds;
            previous.put(t.type(), t.objects());
            b.append(line(t, rate)).append(terminal ? "\033[K\n" : "\n");
            lines++;
        }
        double total = progress.objects() / Math.max(1e-3, progress.seconds());
        b.append(String.format("total: %,d objects, %,.0f objects/s over %.0f s", progress.objects(), total, progress.seconds()))
                .append(terminal ? "\033[K\n" : "\n");
        lines++;
        previousAt = now;
        drawnLines = lines;
        out.print(b);
        out.flush();
    }

    static String line(TypeProgress t, double rate) {
        String bar;
        String eta;
        if (t.rangesOpen() == 0) {
            bar = "#".repeat(20);
            eta = "done";
        } else if (t.estimatedRemaining() >= 0 && t.objects() + t.estimatedRemaining() > 0) {
            double fraction = (double) t.objects() / (t.objects() + t.estimatedRemaining());
            int filled = (int) Math.round(fraction * 20);
            bar = "#".repeat(filled) + " ".repeat(20 - filled);
            eta = rate > 0 ? "ETA ~" + Math.round(t.estimatedRemaining() / rate) + "s" : "ETA ?";
        } else {
            bar = "~".repeat(20);
            eta = "ETA ?";
        }
        return String.format("%-30s [%s] %,10d objects %,8.0f/s  ranges %,d done, %,d open  %s",
                t.type(), bar, t.objects(), rate, t.rangesDone(), t.rangesOpen(), eta);
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        draw();
    }
}
