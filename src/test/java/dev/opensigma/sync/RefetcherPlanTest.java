package dev.opensigma.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.store.Database;
import dev.opensigma.support.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A large backfill can leave many thousands of requests in {@code refetches}; each pass of the
 * refetcher must take the oldest 200 through the index (V16), not read and sort them all.
 */
class RefetcherPlanTest {

    @Test
    void theOldestWaitingRequestsAreReadThroughTheIndex() throws Exception {
        try (Database db = TestDatabase.fresh(); Connection c = db.dataSource().getConnection();
             Statement s = c.createStatement()) {
            s.execute("""
                    insert into refetches (object_type, id, account, child_list, reason, requested_at)
                    select 'checkout.session', 'cs_' || g, '', 'line_items', 'list not embedded',
                           now() - interval '1 hour' + g * interval '1 ms'
                    from generate_series(1, 50000) g""");
            s.execute("analyze refetches");
            StringBuilder numbered = new StringBuilder();
            int parameter = 0;
            for (char ch : Refetcher.WAITING.toCharArray()) {
                numbered.append(ch == '?' ? "$" + ++parameter : String.valueOf(ch));
            }
            s.execute("prepare waiting as " + numbered);
            List<String> plan = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("explain execute waiting('2026-07-29.dahlia', 5, 200)")) {
                while (rs.next()) {
                    plan.add(rs.getString(1));
                }
            }
            assertThat(String.join("\n", plan)).contains("Index Scan using refetches_requested_at_idx")
                    .doesNotContain("Seq Scan on refetches");
        }
    }
}
