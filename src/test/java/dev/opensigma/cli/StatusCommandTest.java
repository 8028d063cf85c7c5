package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.store.Database;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** {@code opensigma status}: what is left to do, read through the read-only role. */
class StatusCommandTest {

    @Test
    void showsWhatWaitsAndWhatWasGivenUp() throws Exception {
        String schema = Cli.freshSchema("cli_status");
        Cli.Result migrate = Cli.onSchema(schema, "migrate");
        assertThat(migrate.exit()).as(migrate.toString()).isZero();
        try (Database db = Cli.admin(schema); Connection c = db.dataSource().getConnection();
             Statement s = c.createStatement()) {
            s.execute("""
                    insert into refetches (object_type, id, reason) values ('customer', 'cus_1', 'thin event'),
                        ('customer', 'cus_2', 'thin event');
                    insert into refetches (object_type, id, reason, attempts, last_error)
                    values ('line_item', 'il_1', 'thin event', 5, 'no API path that returns one line_item by id')""");
        }

        Cli.Result status = Cli.onSchema(schema, "status");

        assertThat(status.exit()).as(status.toString()).isZero();
        assertThat(status.out()).contains("no backfill has run yet", "not read yet: ./opensigma sync",
                "Stripe account mirrored", "none yet: the first command with STRIPE_API_KEY records it",
                "Objects to fetch again").containsPattern("thin event\\s*\\|\\s*given up\\s*\\|\\s*1")
                .containsPattern("thin event\\s*\\|\\s*waiting\\s*\\|\\s*2").contains("no API path");
    }
}
