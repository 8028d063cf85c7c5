package dev.opensigma.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opensigma.store.Database;
import dev.opensigma.support.Applying;
import dev.opensigma.support.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Events of the other mode than the mirrored account's (a live Connect endpoint also receives
 * connected accounts' test-mode events): archived, their objects not filed.
 */
class MirroredModeTest {

    private static String charge(String eventId, String chargeId, Boolean livemode, String account) {
        return "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"type\":\"charge.succeeded\",\"created\":1700000000"
                + (livemode == null ? "" : ",\"livemode\":" + livemode)
                + (account == null ? "" : ",\"account\":\"" + account + "\"")
                + ",\"data\":{\"object\":{\"id\":\"" + chargeId + "\",\"object\":\"charge\",\"amount\":1000"
                + (livemode == null ? "" : ",\"livemode\":" + livemode) + "}}}";
    }

    private static void recordMode(Database db, boolean livemode) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("insert into mirrored_account (account_id, livemode, recorded_by) values ('acct_platform', "
                    + livemode + ", 'test')");
        }
    }

    @Test
    void aTestModeEventOnALiveMirrorIsArchivedAndItsObjectNotFiled() throws Exception {
        try (Database db = TestDatabase.fresh()) {
            recordMode(db, true);
            try (Applying applying = new Applying(db, 2, 100)) {
                assertThat(applying.apply(List.of(
                        charge("evt_live", "ch_live", true, null),
                        charge("evt_connected_test", "ch_test", false, "acct_connected"),
                        charge("evt_no_mode", "ch_no_mode", null, null))))
                        .containsExactly(Outcome.APPLIED, Outcome.ARCHIVED_OTHER_MODE, Outcome.APPLIED);
                // Delivered again: recognised as stored, still not filed.
                assertThat(applying.apply(charge("evt_connected_test", "ch_test", false, "acct_connected")))
                        .isEqualTo(Outcome.DUPLICATE);
            }
            assertThat(TestDatabase.rows(db, "select id, livemode::text, coalesce(account, '-') from events order by id"))
                    .containsExactly(
                            List.of("evt_connected_test", "false", "acct_connected"),
                            List.of("evt_live", "true", "-"),
                            java.util.Arrays.asList("evt_no_mode", null, "-"));
            assertThat(TestDatabase.rows(db, "select id from charges order by id"))
                    .containsExactly(List.of("ch_live"), List.of("ch_no_mode"));
            assertThat(TestDatabase.count(db, "select count(*) from history where id = 'ch_test'")).isZero();
            assertThat(TestDatabase.count(db, "select count(*) from search_documents where id = 'ch_test'")).isZero();
        }
    }

    @Test
    void aThinEventOfTheOtherModeAsksForNothingToBeFetched() throws Exception {
        String thin = """
                {"id":"evt_thin_test","object":"v2.core.event","type":"v1.billing.meter.error_report_triggered",\
                "created":"2026-11-23T08:00:00.000Z","livemode":false,\
                "related_object":{"id":"mtr_test","type":"billing.meter","url":"/v1/billing/meters/mtr_test"}}""";
        try (Database db = TestDatabase.fresh()) {
            recordMode(db, true);
            try (Applying applying = new Applying(db, 1, 100)) {
                assertThat(applying.apply(thin)).isEqualTo(Outcome.ARCHIVED_OTHER_MODE);
            }
            assertThat(TestDatabase.count(db, "select count(*) from events where id = 'evt_thin_test'")).isEqualTo(1);
            assertThat(TestDatabase.count(db, "select count(*) from refetches")).isZero();
        }
    }

    @Test
    void aLiveEventOnATestMirrorIsArchivedToo() throws Exception {
        try (Database db = TestDatabase.fresh()) {
            recordMode(db, false);
            try (Applying applying = new Applying(db, 1, 100)) {
                assertThat(applying.apply(List.of(charge("evt_t", "ch_t", false, null), charge("evt_l", "ch_l", true, null))))
                        .containsExactly(Outcome.APPLIED, Outcome.ARCHIVED_OTHER_MODE);
            }
            assertThat(TestDatabase.rows(db, "select id from charges")).containsExactly(List.of("ch_t"));
        }
    }

    @Test
    void beforeAnyKeyHasRecordedAModeEventsOfBothModesAreFiled() throws Exception {
        try (Database db = TestDatabase.fresh(); Applying applying = new Applying(db, 1, 100)) {
            assertThat(applying.apply(List.of(charge("evt_a", "ch_a", true, null), charge("evt_b", "ch_b", false, null))))
                    .containsExactly(Outcome.APPLIED, Outcome.APPLIED);
            assertThat(TestDatabase.count(db, "select count(*) from charges")).isEqualTo(2);
        }
    }
}
