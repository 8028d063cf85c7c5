package dev.opensigma.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.apply.VersionOrder.Candidate;
import dev.opensigma.stripe.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The same-second tie rule, one signal at a time. */
class VersionOrderTest {

    private static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Candidate c(String key, String type, String eventType, String data, String previous) {
        return new Candidate(key, type, eventType, json(data), previous == null ? null : json(previous), false);
    }

    private static List<String> keys(List<Candidate> ordered) {
        return ordered.stream().map(Candidate::key).toList();
    }

    /** Every permutation of the input must give the same order. */
    private static List<String> orderAllWays(List<Candidate> candidates) {
        List<String> first = keys(VersionOrder.order(candidates));
        Random random = new Random(7);
        for (int i = 0; i < 30; i++) {
            List<Candidate> shuffled = new ArrayList<>(candidates);
            Collections.shuffle(shuffled, random);
            assertThat(keys(VersionOrder.order(shuffled))).isEqualTo(first);
        }
        return first;
    }

    @Test
    void previousAttributesChainOrdersUpdatesWhateverTheirIds() {
        // Ids sort the wrong way round on purpose: only the chain can put them right.
        Candidate created = c("evt_z", "customer", "customer.created", "{\"email\":\"a\",\"name\":null,\"metadata\":{}}", null);
        Candidate first = c("evt_y", "customer", "customer.updated", "{\"email\":\"b\",\"name\":null,\"metadata\":{}}",
                "{\"email\":\"a\"}");
        Candidate second = c("evt_x", "customer", "customer.updated", "{\"email\":\"b\",\"name\":\"N\",\"metadata\":{}}",
                "{\"name\":null}");
        Candidate third = c("evt_w", "customer", "customer.updated",
                "{\"email\":\"b\",\"name\":\"N\",\"metadata\":{\"k\":\"v\"}}", "{\"metadata\":{\"k\":null}}");
        assertThat(orderAllWays(List.of(third, second, first, created)))
                .containsExactly("evt_z", "evt_y", "evt_x", "evt_w");
    }

    @Test
    void anEventWithoutPreviousAttributesComesAfterASnapshotOfTheSameSecond() {
        // The backfill fetched the charge just before a refund made in the same second.
        Candidate snapshot = c("snap_1", "charge", null, "{\"status\":\"succeeded\",\"amount_refunded\":0}", null);
        Candidate refunded = c("evt_1", "charge", "charge.refunded", "{\"status\":\"succeeded\",\"amount_refunded\":500}", null);
        assertThat(orderAllWays(List.of(snapshot, refunded))).containsExactly("snap_1", "evt_1");
    }

    @Test
    void aRefundInTheSecondOfThePaymentComesAfterItThoughNeitherEventSaysSo() {
        Candidate succeeded = c("evt_b", "charge", "charge.succeeded", "{\"status\":\"succeeded\",\"amount_refunded\":0}", null);
        Candidate refunded = c("evt_a", "charge", "charge.refunded", "{\"status\":\"succeeded\",\"amount_refunded\":500}", null);
        assertThat(orderAllWays(List.of(succeeded, refunded))).containsExactly("evt_b", "evt_a");
    }

    @Test
    void nestedPreviousAttributesCompareOnlyTheListedKeys() {
        Candidate before = c("evt_2", "customer", "customer.updated",
                "{\"metadata\":{\"a\":\"1\",\"b\":\"old\"}}", null);
        Candidate after = c("evt_1", "customer", "customer.updated",
                "{\"metadata\":{\"a\":\"1\",\"b\":\"new\"}}", "{\"metadata\":{\"b\":\"old\"}}");
        assertThat(orderAllWays(List.of(after, before))).containsExactly("evt_2", "evt_1");
    }

    @Test
    void invoiceBurstFollowsItsStatusProgression() {
        Candidate created = c("evt_d", "invoice", "invoice.created", "{\"status\":\"draft\"}", null);
        Candidate finalized = c("evt_c", "invoice", "invoice.finalized", "{\"status\":\"open\"}", null);
        Candidate paid = c("evt_b", "invoice", "invoice.paid", "{\"status\":\"paid\"}", null);
        Candidate voided = c("evt_a", "invoice", "invoice.voided", "{\"status\":\"void\"}", null);
        assertThat(orderAllWays(List.of(paid, voided, created, finalized)))
                .containsExactly("evt_d", "evt_c", "evt_b", "evt_a");
    }

    @Test
    void createdComesFirstAndDeletionLast() {
        Candidate deleted = new Candidate("evt_a", "product", "product.deleted", json("{\"name\":\"x\"}"), null, true);
        Candidate updated = c("evt_b", "product", "product.updated", "{\"name\":\"x\"}", "{\"name\":\"w\"}");
        Candidate created = c("evt_c", "product", "product.created", "{\"name\":\"w\"}", null);
        assertThat(orderAllWays(List.of(deleted, updated, created))).containsExactly("evt_c", "evt_b", "evt_a");
    }

    @Test
    void anUpdatedTimestampOrdersObjectsThatHaveOne() {
        Candidate later = c("evt_a", "product", "product.updated", "{\"updated\":1700000002,\"name\":\"b\"}", null);
        Candidate earlier = c("evt_b", "product", "product.updated", "{\"updated\":1700000001,\"name\":\"a\"}", null);
        assertThat(orderAllWays(List.of(later, earlier))).containsExactly("evt_b", "evt_a");
    }

    @Test
    void contradictorySignalsStillGiveOneDeterministicOrder() {
        // Each claims to follow the other: a cycle. The order must still be stable.
        Candidate a = c("evt_a", "customer", "customer.updated", "{\"x\":1}", "{\"x\":2}");
        Candidate b = c("evt_b", "customer", "customer.updated", "{\"x\":2}", "{\"x\":1}");
        assertThat(orderAllWays(List.of(a, b))).hasSize(2);
    }

    @Test
    void priorStateTreatsMissingNullAndEmptyAlike() {
        assertThat(VersionOrder.isPriorState(json("{\"name\":null}"), json("{}"))).isTrue();
        assertThat(VersionOrder.isPriorState(json("{\"name\":\"\"}"), json("{\"name\":null}"))).isTrue();
        assertThat(VersionOrder.isPriorState(json("{\"name\":null}"), json("{\"name\":\"N\"}"))).isFalse();
        assertThat(VersionOrder.isPriorState(json("{\"amount\":100}"), json("{\"amount\":100.0}"))).isTrue();
        assertThat(VersionOrder.isPriorState(json("{}"), json("{\"a\":1}"))).isFalse();
    }

    @Test
    void theNewestIsUndecidedOnlyWhenNothingButTheEventIdOrdersTwoDifferentStates() {
        // Two updates in one second, no previous_attributes, no updated field, no status: only the ids order them.
        Candidate a = c("evt_a", "customer", "customer.updated", "{\"name\":\"A\"}", null);
        Candidate b = c("evt_b", "customer", "customer.updated", "{\"name\":\"B\"}", null);
        assertThat(VersionOrder.newestUndecided(VersionOrder.order(List.of(a, b)))).isTrue();

        // The same state twice: whichever is newest, the state is the same.
        Candidate sameAsA = c("evt_c", "customer", "customer.updated", "{\"name\":\"A\"}", null);
        assertThat(VersionOrder.newestUndecided(VersionOrder.order(List.of(a, sameAsA)))).isFalse();

        // previous_attributes chains them.
        Candidate chained = c("evt_0", "customer", "customer.updated", "{\"name\":\"B\"}", "{\"name\":\"A\"}");
        assertThat(VersionOrder.newestUndecided(VersionOrder.order(List.of(a, chained)))).isFalse();

        // A creation comes first; a status progression decides too.
        Candidate created = c("evt_z", "customer", "customer.created", "{\"name\":\"A\"}", null);
        assertThat(VersionOrder.newestUndecided(VersionOrder.order(List.of(created, b)))).isFalse();
        Candidate open = c("evt_y", "invoice", "invoice.updated", "{\"status\":\"open\"}", null);
        Candidate paid = c("evt_x", "invoice", "invoice.updated", "{\"status\":\"paid\"}", null);
        assertThat(VersionOrder.newestUndecided(VersionOrder.order(List.of(open, paid)))).isFalse();

        // One version, or none, has nothing to be unsure of.
        assertThat(VersionOrder.newestUndecided(List.of(a))).isFalse();
        assertThat(VersionOrder.newestUndecided(List.of())).isFalse();

        // Decided through a third version: created -> (chain) -> newest.
        Candidate renamed = c("evt_m", "customer", "customer.updated", "{\"name\":\"C\"}", "{\"name\":\"A\"}");
        assertThat(VersionOrder.newestUndecided(VersionOrder.order(List.of(created, renamed)))).isFalse();
    }
}
