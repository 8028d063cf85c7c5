package dev.opensigma.cli;

import dev.opensigma.store.ConnectionInfo;
import dev.opensigma.store.DatabaseUrl;
import dev.opensigma.store.EmbeddedPostgresServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "db-url", mixinStandardHelpOptions = true,
        description = {"Print the URL of OpenSigma's database, with its password, for psql, DBeaver or Metabase.",
            "The embedded database answers while 'serve' runs."})
final class DbUrlCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--jdbc", description = "Print the JDBC form (jdbc:postgresql://...) instead.")
    boolean jdbc;

    @Override
    public Integer call() {
        var settings = database.settings();
        if (settings.databaseUrl().isEmpty() && !java.nio.file.Files.exists(settings.dataDir().resolve("password"))) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: there is no embedded database in " + settings.dataDir().toAbsolutePath()
                    + " yet. Start it with './opensigma serve', or pass --data-dir with the directory you used.");
            err.flush();
            return 1;
        }
        ConnectionInfo info = settings.databaseUrl().map(DatabaseUrl::parse)
                .orElseGet(() -> EmbeddedPostgresServer.connectionInfo(settings.dataDir()));
        PrintWriter out = spec.commandLine().getOut();
        out.println(jdbc ? (info.user() == null ? info.jdbcUrl() : info.jdbcUrlWithCredentials()) : info.postgresUrl());
        out.flush();
        return 0;
    }
}
