package dev.opensigma.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.opensigma.apply.Outcome;
import dev.opensigma.store.Database;
import dev.opensigma.support.Applying;
import dev.opensigma.support.Recipes;
import dev.opensigma.support.TestDatabase;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every SQL block of docs/queries.md, as written, against {@link RecipeDataset} (applied
 * through the apply path in a scrambled order, with redeliveries) and checks its exact result.
 * A recipe whose SQL changes meaning, or that is added or removed without its expectation here,
 * fails.
 */
class RecipesTest {

    private static Database db;

    /** What each recipe returns on the dataset, row by row, as text (PostgreSQL's output, time zone UTC). */
    private static final Map<String, List<List<String>>> EXPECTED = new LinkedHashMap<>();

    static {
        expect("Subscriptions active on one date and canceled by another",
                row("sub_1", "cus_ada", "2026-04-15 09:00:00+00"),
                row("sub_3", "cus_cy", "2026-05-31 23:59:59+00"));
        expect("Subscriptions that had started and not ended on a date",
                row("sub_1", "cus_ada", "canceled", "2026-01-10 10:00:00+00", "2026-04-15 09:00:00+00"),
                row("sub_2", "cus_bob", "canceled", "2026-02-01 08:00:00+00", "2026-06-10 06:00:00+00"),
                row("sub_3", "cus_cy", "canceled", "2026-02-20 14:00:00+00", "2026-05-31 23:59:59+00"),
                row("sub_5", "cus_ada", "active", "2026-01-20 10:00:00+00", null));   // sub_4 began on 03-02
        expect("How many times a charge's dispute changed status",
                row("dp_1", "won", "3"));
        expect("MRR on the first of each month",
                row("2026-01-01", "0"),
                row("2026-02-01", "13000"),   // sub_1 2 x 10.00 + sub_5 (10.00 + 100.00)
                row("2026-03-01", "24000"),   // + sub_2 10.00 (active since 02-15) + sub_3 100.00
                row("2026-04-01", "27000"),   // sub_2 past due still counts; sub_4 gone; sub_5 basic x 4
                row("2026-05-01", "15000"),   // sub_1 canceled; sub_5's pro item taken off on 04-20
                row("2026-06-01", "5000"));   // sub_3 canceled a second before
        expect("Charges by status and month",
                row("2026-03-01", "failed", "usd", "1", "1000"),
                row("2026-03-01", "succeeded", "usd", "2", "13000"),
                row("2026-04-01", "failed", "usd", "2", "4000"),
                row("2026-04-01", "succeeded", "usd", "3", "14000"),
                row("2026-05-01", "pending", "usd", "1", "2000"),
                row("2026-05-01", "succeeded", "usd", "2", "1200"));
        expect("Top customers by amount paid",
                row("cus_cy", "cyrus@example.com", "10000", "1"),
                row("cus_ada", "ada@example.com", "8000", "2"),
                row("cus_eve", "eve@example.com", "3000", "1"),
                row("cus_bob", "robert@example.com", "1000", "1"),
                row("cus_dee", "dee@example.com", "0", "1"));
        expect("Charges with their customer's email",
                row("ch_4", "2026-04-03 06:00:00+00", "1000", "failed", "robert@example.com"),
                row("ch_5", "2026-04-05 06:00:00+00", "1000", "succeeded", "robert@example.com"),
                row("ch_6", "2026-04-10 14:00:00+00", "10000", "succeeded", "cyrus@example.com"),
                row("ch_7", "2026-04-12 09:00:00+00", "3000", "failed", "eve@example.com"),
                row("ch_8", "2026-04-12 09:30:00+00", "3000", "succeeded", "eve@example.com"));
        expect("Failed payments per customer in a period",
                row("cus_bob", "robert@example.com", "2", "2000", "card_declined, insufficient_funds"),
                row("cus_eve", "eve@example.com", "1", "3000", "card_declined"));
        expect("Early fraud warnings in the last 24 hours",
                row("issfr_1", "ch_6", "made_with_stolen_card", "t", "10000", "cyrus@example.com"),
                row("issfr_3", "ch_8", "card_never_received", "f", "3000", "eve@example.com"));
        expect("An object's versions and what changed in each",
                row("1", "2026-02-01 08:00:00+00", "customer.subscription.created", "{}"),
                row("2", "2026-02-15 08:00:00+00", "customer.subscription.updated",
                        "{\"status\": {\"to\": \"active\", \"from\": \"trialing\"}}"),
                row("3", "2026-02-15 08:00:00+00", "customer.subscription.updated",
                        "{\"metadata\": {\"to\": {\"seats\": \"5\"}, \"from\": {\"seats\": null}}}"),
                row("4", "2026-03-20 06:00:00+00", "customer.subscription.updated",
                        "{\"status\": {\"to\": \"past_due\", \"from\": \"active\"}}"),
                row("5", "2026-04-05 06:00:00+00", "customer.subscription.updated",
                        "{\"status\": {\"to\": \"active\", \"from\": \"past_due\"}}"),
                row("6", "2026-06-10 06:00:00+00", "customer.subscription.deleted",
                        "{\"status\": {\"to\": \"canceled\", \"from\": \"active\"}, \"ended_at\": {\"to\": "
                                + RecipeDataset.at("2026-06-10 06:00") + ", \"from\": null}, \"canceled_at\": {\"to\": "
                                + RecipeDataset.at("2026-06-10 06:00") + ", \"from\": null}}"));
        expect("Customers whose email changed",
                row("cus_eve", "2026-02-25 11:00:00+00", "eev@example.com", "eve@example.com"),
                row("cus_bob", "2026-03-10 12:00:00+00", "bob@example.com", "robert@example.com"),
                row("cus_cy", "2026-04-02 15:30:00+00", "cy@example.com", "cyrus@example.com"));
        expect("Objects deleted in a period",
                row("customer", "cus_dee", "2026-05-15 09:00:00+00"),
                row("price", "price_old", "2026-05-20 10:00:00+00"),
                row("product", "prod_old", "2026-05-20 10:00:00+00"));
        expect("Customers by metadata value",
                row("cus_ada", "ada@example.com"),
                row("cus_cy", "cyrus@example.com"));
        expect("A customer's lifetime value",
                row("cus_ada", "8000", "2", "2026-03-10 10:00:00+00", "2026-03-20 10:00:00+00"));
        expect("Invoices with more than two lines",
                row("in_4", "cus_cy", "paid", "4"),
                row("in_2", "cus_ada", "paid", "3"));
        expect("Items taken off subscriptions",
                row("sub_5", "si_5b", "2026-04-20 10:00:00+00", "price_pro", "1"));
        expect("Refunds per charge",
                row("ch_2", "11000", "2", "5000", "f"),
                row("ch_9", "500", "1", "500", "t"));
    }

    @BeforeAll
    static void load() throws Exception {
        db = TestDatabase.fresh();
        List<String> events = new ArrayList<>(RecipeDataset.events(Instant.now()));
        // Out of order (cancellations before creations, same-second pairs reversed), in mixed
        // batches, and some delivered twice: the results must not depend on any of it.
        Collections.shuffle(events, new Random(20260301));
        try (Applying applying = new Applying(db, 2, 7)) {
            List<Outcome> outcomes = applying.apply(events);
            assertThat(outcomes).containsOnly(Outcome.APPLIED);
            assertThat(applying.apply(events.subList(0, 10))).containsOnly(Outcome.DUPLICATE);
        }
    }

    @AfterAll
    static void close() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void everyRecipeHasAnExpectationAndEveryExpectationARecipe() throws IOException {
        assertThat(Recipes.read().keySet()).containsExactlyElementsOf(EXPECTED.keySet());
    }

    @TestFactory
    Stream<DynamicTest> eachRecipeReturnsWhatTheDatasetImplies() throws IOException {
        return Recipes.read().entrySet().stream()
                .filter(recipe -> EXPECTED.containsKey(recipe.getKey()))
                .map(recipe -> DynamicTest.dynamicTest(recipe.getKey(), () ->
                        assertThat(run(recipe.getValue()))
                                .as("result of the recipe \"%s\":%n%s", recipe.getKey(), recipe.getValue())
                                .containsExactlyElementsOf(EXPECTED.get(recipe.getKey()))));
    }

    @Test
    void recipesAreFoundByHeadingWithOneSqlBlockEach() {
        String doc = """
                # Title
                Intro with `inline` code.
                ```sh
                ./opensigma query "select 1"
                ```
                ## First
                Sentence.
                ```sql
                select 1;
                ```
                ## Second
                ```sql
                select 2
                from x;
                ```
                """;
        assertThat(Recipes.parse(doc)).containsExactly(Map.entry("First", "select 1;\n"),
                Map.entry("Second", "select 2\nfrom x;\n"));
        assertThat(catchThrowable(() -> Recipes.parse("## A\n```sql\nselect 1\n```\n```sql\nselect 2\n```\n")))
                .hasMessageContaining("more than one");
        assertThat(catchThrowable(() -> Recipes.parse("## A\n## B\n```sql\nselect 2\n```\n")))
                .hasMessageContaining("no ```sql block");
    }

    /** Runs the recipe the way {@code opensigma query} does: read-only, as a single statement. */
    private static List<List<String>> run(String sql) throws SQLException {
        try (Connection c = db.readOnlyConnection(); Statement s = c.createStatement()) {
            s.execute("set time zone 'UTC'");
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(db.readOnlySql(sql))) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
            } finally {
                c.rollback();
            }
            return rows;
        }
    }

    private static void expect(String heading, List<?>... rows) {
        List<List<String>> list = new ArrayList<>();
        for (List<?> r : rows) {
            list.add(r.stream().map(v -> v == null ? null : v.toString()).toList());
        }
        EXPECTED.put(heading, List.copyOf(list));
    }

    private static List<String> row(String... values) {
        return Arrays.asList(values);
    }
}
