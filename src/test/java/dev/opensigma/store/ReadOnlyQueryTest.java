package dev.opensigma.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opensigma.support.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On an external database (DATABASE_URL, here pointed at the test server) the user may have
 * write rights: user queries must still change nothing.
 */
class ReadOnlyQueryTest {

    private static Database db;

    @BeforeAll
    static void open() throws Exception {
        db = TestDatabase.fresh();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("insert into events (id, type, created, source, raw) values ('evt_keep', 'x', now(), 'import', '{}')");
        }
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private String run(String sql) throws SQLException {
        try (Connection c = db.readOnlyConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(db.readOnlySql(sql))) {
                rs.next();
                return rs.getString(1);
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void selectsWork() throws Exception {
        assertThat(run("select id from events;")).isEqualTo("evt_keep");
        assertThat(run("with e as (select id from events) select id from e")).isEqualTo("evt_keep");
    }

    @Test
    void nothingCanWrite() {
        for (String attack : new String[] {
            "delete from events returning id",
            "set transaction read write; delete from events returning id",
            "commit; delete from events returning id",
            "select 1) as q; delete from events; select (1",
            "with d as (delete from events returning id) select id from d",
            "select ensure_object_table('zz_thing', 'zz_things', 'zz_thing_id')",
        }) {
            assertThatThrownBy(() -> run(attack)).as(attack).isInstanceOf(SQLException.class);
        }
        assertThat(TestDatabase.count(db, "select count(*) from events where id = 'evt_keep'")).isEqualTo(1);
        assertThat(TestDatabase.count(db, "select count(*) from object_types where object_type = 'zz_thing'")).isZero();
    }
}
