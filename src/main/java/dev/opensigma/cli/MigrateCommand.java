package dev.opensigma.cli;

import dev.opensigma.store.Database;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Create or upgrade OpenSigma's schema, then exit. (serve does this at every start.)")
final class MigrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Override
    public Integer call() {
        try (Database db = Database.open(database.settings(), 2)) {
            int applied = db.migrate();
            PrintWriter out = spec.commandLine().getOut();
            out.println(applied == 0 ? "Schema '" + db.schema() + "' is up to date."
                    : "Applied " + applied + " migration(s) to schema '" + db.schema() + "'.");
            out.flush();
            return 0;
        }
    }
}
