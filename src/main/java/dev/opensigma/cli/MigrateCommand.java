package dev.opensigma.cli;

import dev.opensigma.store.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Create or upgrade OpenSigma's schema, then exit. (serve does this at every start.)")
final class MigrateCommand implements Callable<Integer> {

    @Mixin
    DatabaseOptions database;

    @Override
    public Integer call() {
        try (Database db = Database.open(database.settings(), 2)) {
            int applied = db.migrate();
            System.out.println(applied == 0 ? "Schema '" + db.schema() + "' is up to date."
                    : "Applied " + applied + " migration(s) to schema '" + db.schema() + "'.");
            return 0;
        }
    }
}
