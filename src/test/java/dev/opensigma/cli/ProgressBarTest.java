package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void withoutATerminalItPrintsPlainLinesAndAlwaysTheFinalCount() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), "bytes", 500, false);

        bar.update(50);
        bar.update(100); // may or may not be drawn: lines are throttled to one every few seconds
        bar.finish();

        String out = text.toString();
        assertThat(out).doesNotContain("\r").endsWith(System.lineSeparator());
        List<String> lines = out.lines().toList();
        assertThat(lines.getFirst()).contains(" 10% 50/500 bytes");
        assertThat(lines.getLast()).contains(" 20% 100/500 bytes");
    }

    @Test
    void withoutATerminalTheEndIsShownOnce() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), "bytes", 500, false);

        bar.update(500);
        bar.update(500);
        bar.finish();

        assertThat(text.toString().lines().toList()).hasSize(1).first().asString().contains("100% 500/500 bytes");
    }

    @Test
    void onATerminalItRedrawsOneLineInPlace() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), "bytes", 500, true);

        bar.update(50);
        bar.update(500);
        bar.finish();

        String out = text.toString();
        assertThat(out).startsWith("\r[").contains("\r[##############################] 100%")
                .endsWith(System.lineSeparator());
        assertThat(out.chars().filter(c -> c == '\n').count()).as("one line, redrawn").isEqualTo(1);
    }

    @Test
    void testsRunWithoutATerminal() {
        // What the import tests rely on when they check stderr for plain lines.
        assertThat(ProgressBar.isTerminal()).isFalse();
    }
}
