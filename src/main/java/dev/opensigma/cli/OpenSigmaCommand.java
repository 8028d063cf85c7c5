package dev.opensigma.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "opensigma",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A complete, queryable copy of a Stripe account in PostgreSQL.",
        subcommands = {
            ServeCommand.class,
            MigrateCommand.class,
            DbUrlCommand.class,
            QueryCommand.class,
            SearchCommand.class,
            ImportCommand.class,
            BackfillCommand.class,
            SyncCommand.class,
            StatusCommand.class,
            WebhooksCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            SimulateCommand.class,
            SchemaDocsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class OpenSigmaCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new OpenSigmaCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getColorScheme().errorText("error: " + message(e)));
            return 1;
        });
        return cli;
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.io.UncheckedIOException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
