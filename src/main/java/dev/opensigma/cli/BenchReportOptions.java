package dev.opensigma.cli;

import dev.opensigma.bench.DataDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every {@code bench} command shares: the throw-away data directory, the report's file, and
 * the command line the report names so that anyone can rerun it.
 */
final class BenchReportOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "New or empty directory for the database(s). Default: a new directory under the system temp dir.")
    Path dataDir;

    @Option(names = "--keep", description = "Keep the data directory afterwards (deleted by default).")
    boolean keep;

    @Option(names = "--output", paramLabel = "FILE", description = "Also write the markdown report to FILE.")
    Path output;

    /** The data directory (new, or the one given), named on standard error. */
    DataDirectory directory() throws IOException {
        DataDirectory dir = DataDirectory.create(Optional.ofNullable(dataDir), keep);
        PrintWriter err = mixee.commandLine().getErr();
        err.println("Data directory: " + dir.path() + (keep ? " (kept afterwards)" : " (deleted afterwards)"));
        err.flush();
        return dir;
    }

    /** The command as typed, quoted for a shell ({@code originalArgs} are those of the whole line: "bench ingest ..."). */
    String command() {
        return "./opensigma " + mixee.commandLine().getParseResult().originalArgs().stream()
                .map(a -> a.matches("[A-Za-z0-9_@%+=:,./-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }

    /** Prints the report on standard output and, with {@code --output}, writes it to that file. */
    void publish(String markdown) throws IOException {
        PrintWriter out = mixee.commandLine().getOut();
        out.print(markdown);
        out.flush();
        if (output != null) {
            Files.writeString(output, markdown);
            PrintWriter err = mixee.commandLine().getErr();
            err.println(mixee.qualifiedName(" ").replaceFirst("^\\S+ ", "") + ": report written to " + output.toAbsolutePath());
            err.flush();
        }
    }
}
