package dev.opensigma.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.apply.Outcome;
import dev.opensigma.store.Database;
import dev.opensigma.support.Recipes;
import dev.opensigma.support.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The query benchmark on a small account: what it loads and reports (no timing is asserted). */
class QueryBenchmarkTest {

    @Test
    void recipeQueriesAreTheRecipesOfQueriesMd() throws Exception {
        Map<String, String> recipes = Recipes.read();
        List<QueryBenchmark.Query> fromRecipes = QueryBenchmark.QUERIES.stream().filter(q -> q.recipe() != null).toList();
        for (QueryBenchmark.Query q : fromRecipes) {
            assertThat(q.sql()).as("benchmark query '%s'", q.name()).isEqualTo(recipes.get(q.recipe()));
        }
        assertThat(fromRecipes).extracting(QueryBenchmark.Query::recipe).containsExactlyInAnyOrderElementsOf(recipes.keySet());
    }

    @Test
    void generatedAccountLoadsThroughTheApplyPathAndEveryQueryRuns() throws Exception {
        StringWriter progress = new StringWriter();
        try (Database db = TestDatabase.fresh()) {
            QueryBenchmark.Settings settings = new QueryBenchmark.Settings(4_000, 1, 7, 2, 200);
            QueryReport report = QueryBenchmark.measure(db, settings, Optional.empty(), "bench queries --objects 4000",
                    new PrintWriter(progress));

            QueryBenchmark.Load load = report.load();
            assertThat(load.outcomes().get(Outcome.APPLIED)).isEqualTo(load.events());
            assertThat(load.objects()).isBetween(4_000L, 4_800L);
            Map<String, Long> tables = load.objectsByTable();
            assertThat(tables.get("subscriptions")).isEqualTo(400L);
            assertThat(tables.get("customers")).isEqualTo(600L);
            assertThat((double) tables.get("charges") / load.objects()).isBetween(0.28, 0.36);
            assertThat(tables).containsKeys("subscription_items", "invoices", "invoice_line_items", "refunds", "disputes",
                    "prices", "products");
            assertThat(TestDatabase.count(db, "select count(*) from history where object_type = 'subscription'") / 400.0)
                    .as("versions per subscription").isGreaterThanOrEqualTo(2.5);

            // Time travel agrees with the current state at the end of the generated year.
            assertThat(TestDatabase.rows(db, "select status, count(*) from subscriptions_as_of('2026-07-01') group by 1 order by 1"))
                    .isEqualTo(TestDatabase.rows(db, "select status, count(*) from subscriptions where not deleted group by 1 order by 1"));

            assertThat(report.timings()).hasSize(QueryBenchmark.QUERIES.size());
            assertThat(report.exampleIds().values()).doesNotContain("'none'");
            assertThat(timing(report, "MRR on the first of each month").rows()).isEqualTo(6);
            assertThat(timing(report, "How many times a charge's dispute changed status").rows()).isEqualTo(1);
            assertThat(timing(report, "Top customers by amount paid").rows()).isEqualTo(10);
            assertThat(timing(report, "Subscriptions active on one date and canceled by another").rows()).isPositive();

            String markdown = report.markdown();
            assertThat(markdown).startsWith("## Typed tables and time travel (issue: relational tables)")
                    .contains("| `charges` |", "versions/s", "| query | rows | first | median | min | max |",
                            "bench queries --objects 4000");
            assertThat(progress.toString()).contains("loaded").contains("median");
        }
    }

    private static QueryBenchmark.Timing timing(QueryReport report, String recipe) {
        return report.timings().stream().filter(t -> recipe.equals(t.query().recipe())).findFirst().orElseThrow();
    }
}
