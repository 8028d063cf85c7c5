package dev.opensigma.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.store.Database;
import dev.opensigma.support.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The apply statements run as prepared statements, and PostgreSQL may plan them once, generically,
 * while the tables are empty, then keep that plan for the life of the connection. Such a plan must
 * still reach object_versions through an index, or every batch reads the whole table.
 */
class BatchWriterPlanTest {

    private static Database db;

    @BeforeAll
    static void freshSchema() {
        db = TestDatabase.fresh(); // empty tables, never analyzed: the worst case for a generic plan
        try (var applying = new dev.opensigma.support.Applying(db, 1, 10)) {
            // Starting the apply path creates the well-known types' tables and their refresh statements.
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void sameSecondVersionsAreLookedUpByIndex() throws SQLException {
        assertThat(genericPlan(BatchWriter.SAME_SECOND_VERSIONS, "array['customer'], array['cus_1'], array[1760000000]::bigint[]"))
                .contains("Index Scan").doesNotContain("Seq Scan on object_versions");
    }

    @Test
    void resequencingFindsVersionsByPrimaryKey() throws SQLException {
        assertThat(genericPlan(BatchWriter.RESEQUENCE_VERSION, "0, 1"))
                .contains("object_versions_pkey").doesNotContain("Seq Scan on object_versions");
    }

    @Test
    void refreshingTheCurrentStateFindsTheNewestVersionByIndex() throws SQLException {
        // The refresh statement is generated per type in the database; check the customers' one.
        String refresh = TestDatabase.rows(db, "select refresh_sql from object_types where object_type = 'customer'")
                .getFirst().getFirst();
        assertThat(genericPlan(refresh, "array['cus_1'], array[1]::bigint[], array['{}'], array['cus_1']"))
                .contains("Index Scan Backward using object_versions_object_idx").doesNotContain("Seq Scan on object_versions");
    }

    @Test
    void findingRemovedChildrenReadsAParentsVersionsAndAChildsRemovalsByIndex() throws SQLException {
        assertThat(genericPlan(RemovedChildren.PARENT_VERSIONS_AROUND,
                "array['subscription'], array['sub_1'], array['items'], array[1760000000]::bigint[]"))
                .contains("Index Scan").doesNotContain("Seq Scan on object_versions");
        assertThat(genericPlan(RemovedChildren.RECORDED_REMOVALS,
                "array['subscription_item'], array['si_1'], array['subscription'], array['sub_1']"))
                .contains("Index Scan").doesNotContain("Seq Scan on object_versions");
        assertThat(genericPlan(BatchWriter.NEWEST_VERSIONS, "array['subscription_item'], array['si_1']"))
                .contains("Index Scan Backward using object_versions_object_idx").doesNotContain("Seq Scan on object_versions");
    }

    @Test
    void theBatchTransactionUsesGenericPlansFromItsFirstStatement() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try (var lock = c.prepareStatement(BatchWriter.LOCK_OBJECTS)) {
                lock.setArray(1, c.createArrayOf("text", new Object[] {"customer:cus_1"}));
                lock.execute();
            }
            try (ResultSet rs = s.executeQuery("show plan_cache_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("force_generic_plan");
            }
            c.rollback();
            try (ResultSet rs = s.executeQuery("show plan_cache_mode")) {
                rs.next();
                assertThat(rs.getString(1)).as("for that transaction only").isEqualTo("auto");
            }
        }
    }

    /** The plan PostgreSQL caches for {@code sql} once it settles on a generic one (forced here). */
    private static String genericPlan(String sql, String arguments) throws SQLException {
        StringBuilder numbered = new StringBuilder();
        int parameter = 0;
        for (char ch : sql.toCharArray()) {
            numbered.append(ch == '?' ? "$" + ++parameter : String.valueOf(ch));
        }
        List<String> lines = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false); // the explained UPDATE must not leave anything behind
            s.execute("set local plan_cache_mode = force_generic_plan");
            s.execute("prepare plan_under_test as " + numbered);
            try (ResultSet rs = s.executeQuery("explain execute plan_under_test(" + arguments + ")")) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            } finally {
                c.rollback();
                s.execute("deallocate plan_under_test");
            }
        }
        return String.join("\n", lines);
    }
}
