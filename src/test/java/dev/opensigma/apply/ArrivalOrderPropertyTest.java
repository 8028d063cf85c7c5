package dev.opensigma.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.sim.SyntheticEvents;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.Json;
import dev.opensigma.support.Applying;
import dev.opensigma.support.TestDatabase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever order events arrive in, and however often each is repeated, the stored
 * history and current state are identical, and equal to what really happened.
 */
class ArrivalOrderPropertyTest {

    private static final int TRIALS = 8;

    @Test
    void randomPermutationsWithDuplicatesConvergeToTheSameHistoryAndTheTruth() throws Exception {
        SyntheticEvents stream = new SyntheticEvents(42, 1_760_000_000L);
        List<String> events = stream.generate(80);
        Map<String, SyntheticEvents.FinalState> truth = stream.truth();
        assertThat(sameSecondPairs(events)).as("the stream must contain same-second bursts").isGreaterThan(50);

        String referenceHistory = null;
        String referenceCurrent = null;
        for (int trial = 0; trial < TRIALS; trial++) {
            Random random = new Random(1000 + trial);
            List<String> arrival = new ArrayList<>(events);
            if (trial > 0) { // trial 0 is the true order
                Collections.shuffle(arrival, random);
                for (int d = 0; d < events.size() / 5; d++) {
                    arrival.add(random.nextInt(arrival.size()), events.get(random.nextInt(events.size())));
                }
            }
            try (Database db = TestDatabase.fresh();
                 Applying applying = new Applying(db, 1 + random.nextInt(3), 1 + random.nextInt(60))) {
                // Submit in chunks so that batches interleave differently each trial.
                for (int from = 0; from < arrival.size(); ) {
                    int to = Math.min(arrival.size(), from + 1 + random.nextInt(80));
                    applying.apply(arrival.subList(from, to));
                    from = to;
                }
                String history = dump(db, "select object_type, id, version, event_id, deleted, data::text from history"
                        + " order by object_type, id, version");
                String current = dump(db, "select object_type, id, account, deleted, event_id, data::text from objects"
                        + " order by object_type, id");
                if (referenceHistory == null) {
                    referenceHistory = history;
                    referenceCurrent = current;
                    assertMatchesTruth(db, truth);
                    // Received in Stripe's order, every burst is decided by the tie rule: nothing to fetch again.
                    assertThat(TestDatabase.rows(db, "select object_type, id, reason from refetches")).isEmpty();
                } else {
                    assertThat(history).as("history after permutation %d", trial).isEqualTo(referenceHistory);
                    assertThat(current).as("current state after permutation %d", trial).isEqualTo(referenceCurrent);
                }
                assertThat(TestDatabase.count(db, "select count(*) from events")).isEqualTo(events.size());
            }
        }
    }

    private static void assertMatchesTruth(Database db, Map<String, SyntheticEvents.FinalState> truth) throws Exception {
        assertThat(TestDatabase.count(db, "select count(*) from objects where parent_id is null")).isEqualTo(truth.size());
        for (SyntheticEvents.FinalState expected : truth.values()) {
            List<List<String>> rows = TestDatabase.rows(db,
                    "select data::text, deleted::text, account from objects where object_type = ? and id = ?",
                    expected.objectType(), expected.id());
            assertThat(rows).as("%s %s", expected.objectType(), expected.id()).hasSize(1);
            assertThat(Json.MAPPER.readTree(rows.getFirst().get(0))).as("state of %s", expected.id())
                    .isEqualTo(expected.data());
            assertThat(rows.getFirst().get(1)).as("deleted flag of %s", expected.id())
                    .isEqualTo(Boolean.toString(expected.deleted()));
            assertThat(rows.getFirst().get(2)).isEqualTo(expected.account());
        }
    }

    private static String dump(Database db, String sql) {
        StringBuilder sb = new StringBuilder();
        TestDatabase.rows(db, sql).forEach(row -> sb.append(String.join("|", String.valueOf(row))).append('\n'));
        return sb.toString();
    }

    /** How many events share their second with an earlier event on the same object. */
    private static long sameSecondPairs(List<String> events) throws Exception {
        java.util.Set<String> seen = new java.util.HashSet<>();
        long pairs = 0;
        for (String e : events) {
            var node = Json.MAPPER.readTree(e);
            String key = node.path("data").path("object").path("id").asText() + "@" + node.path("created").asLong();
            if (!seen.add(key)) {
                pairs++;
            }
        }
        return pairs;
    }
}
