package dev.opensigma.cli;

import dev.opensigma.schema.SchemaDocs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "schema-docs", mixinStandardHelpOptions = true,
        description = {"Write the schema reference: every table, view and column, its type, and the Stripe field it"
                + " comes from, as Markdown.",
            "Needs no database: it is generated from the code that creates the tables."})
final class SchemaDocsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--output", defaultValue = "docs/schema.md",
            description = "File to write, or - for standard output. Default: ${DEFAULT-VALUE}")
    String output;

    @Override
    public Integer call() {
        String markdown = SchemaDocs.markdown();
        PrintWriter out = spec.commandLine().getOut();
        if (output.equals("-")) {
            out.print(markdown);
        } else {
            Path file = Path.of(output).toAbsolutePath();
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, markdown, StandardCharsets.UTF_8);
            } catch (IOException e) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("error: could not write " + file + " (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + ")");
                err.flush();
                return 1;
            }
            out.println("Wrote " + file + " (" + SchemaDocs.objectTables().size() + " object tables).");
        }
        out.flush();
        return 0;
    }
}
