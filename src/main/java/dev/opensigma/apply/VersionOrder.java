package dev.opensigma.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The tie rule: the order of several versions of one object within the same second.
 *
 * <p>Stripe's {@code created} has one-second resolution and bursts such as
 * {@code invoice.created → invoice.finalized → invoice.paid} share a second. Comparing times with
 * a strict {@code <} (what other mirrors do) silently drops the newer state. The order here is a
 * function of the set of versions only, never of arrival order, so every permutation of the same
 * events yields the same history. Signals, strongest first:
 * <ol>
 *   <li>the {@code previous_attributes} chain: B comes after A when B's previous attributes are
 *       A's values (the event that changed A into B);</li>
 *   <li>an {@code updated} timestamp, on objects that have one;</li>
 *   <li>the lifecycle: a {@code *.created} event first, then a snapshot (no event), then other
 *       events, a deletion last;</li>
 *   <li>the status progression of the object type (a draft invoice before an open one before a
 *       paid one; a payment intent's processing before succeeded, ...);</li>
 *   <li>the event progression, for events that carry no {@code previous_attributes} (a charge's
 *       {@code charge.succeeded} before {@code charge.refunded});</li>
 *   <li>finally the event id, so that even an undecidable tie is ordered the same way every time.</li>
 * </ol>
 * Signal 1 and 2 form a graph; the rest pick among versions the graph leaves unordered.
 */
public final class VersionOrder {

    /** What the order looks at in a version. {@code key} must be unique within the set. */
    public record Candidate(String key, String objectType, String eventType, JsonNode data,
                            JsonNode previousAttributes, boolean deleted) {
    }

    private static final Map<String, List<String>> STATUS_PROGRESSION = Map.of(
            "invoice", List.of("draft", "open", "paid|uncollectible", "void"),
            "payment_intent", List.of("requires_payment_method", "requires_confirmation", "requires_action",
                    "processing", "requires_capture", "succeeded|canceled"),
            "setup_intent", List.of("requires_payment_method", "requires_confirmation", "requires_action",
                    "processing", "succeeded|canceled"),
            "subscription", List.of("incomplete", "trialing", "active", "past_due", "unpaid|paused",
                    "canceled|incomplete_expired"),
            "charge", List.of("pending", "succeeded|failed"),
            "checkout.session", List.of("open", "complete|expired"),
            "payout", List.of("pending", "in_transit", "paid|failed|canceled"),
            "refund", List.of("pending", "requires_action", "succeeded|failed|canceled"),
            "dispute", List.of("warning_needs_response", "warning_under_review", "warning_closed", "needs_response",
                    "under_review", "won|lost"),
            "quote", List.of("draft", "open", "accepted|canceled"));

    /**
     * Events that carry no {@code previous_attributes} but follow each other in an object's life
     * ({@code charge.succeeded} then {@code charge.refunded} in one second): later ones rank higher.
     * Events not listed rank 0.
     */
    private static final Map<String, List<String>> EVENT_PROGRESSION = Map.of(
            "charge", List.of("charge.pending", "charge.succeeded|charge.failed", "charge.captured", "charge.refunded"),
            "invoice", List.of("invoice.created", "invoice.finalized", "invoice.paid|invoice.payment_failed",
                    "invoice.payment_succeeded"),
            "payment_intent", List.of("payment_intent.created", "payment_intent.processing",
                    "payment_intent.amount_capturable_updated", "payment_intent.succeeded|payment_intent.payment_failed"));

    /** Signals 3 to 5, which pick among the versions the graph leaves unordered; the event id comes after them. */
    private static final Comparator<Candidate> SIGNALS = Comparator.comparingInt(VersionOrder::phase)
            .thenComparingInt(VersionOrder::statusRank)
            .thenComparingInt(VersionOrder::eventRank);

    private VersionOrder() {
    }

    /** Returns the candidates in their order, earliest first. */
    public static List<Candidate> order(List<Candidate> candidates) {
        int n = candidates.size();
        if (n <= 1) {
            return List.copyOf(candidates);
        }
        boolean[][] before = new boolean[n][n];
        int[] inDegree = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && mustPrecede(candidates.get(i), candidates.get(j))) {
                    before[i][j] = true;
                    inDegree[j]++;
                }
            }
        }
        Comparator<Integer> priority = Comparator.<Integer, Candidate>comparing(candidates::get, SIGNALS)
                .thenComparing(i -> candidates.get(i).key());
        TreeSet<Integer> remaining = new TreeSet<>(priority);
        for (int i = 0; i < n; i++) {
            remaining.add(i);
        }
        List<Candidate> ordered = new ArrayList<>(n);
        while (!remaining.isEmpty()) {
            Integer next = null;
            for (Integer i : remaining) {
                if (inDegree[i] == 0) {
                    next = i;
                    break;
                }
            }
            if (next == null) {
                next = remaining.first(); // contradictory signals (a cycle): fall back to priority
            }
            remaining.remove(next);
            ordered.add(candidates.get(next));
            for (int j = 0; j < n; j++) {
                if (before[next][j]) {
                    before[next][j] = false;
                    inDegree[j]--;
                }
            }
        }
        return ordered;
    }

    /**
     * The order of an embedded child's versions, given its parent's in the same second. A child
     * filed from an event carries no {@code previous_attributes} of its own (they describe the
     * parent), so two events in one second that change a subscription's item would be ordered by
     * their ids alone, while the parent's chain knows which came last. The child's versions from
     * events its parent also holds take the places they have in {@code ordered}, in the parent's
     * order; the others (snapshots of the child list) keep theirs.
     */
    public static List<Candidate> followParent(List<Candidate> ordered, List<Candidate> parentOrdered) {
        Map<String, Integer> parentRank = new HashMap<>();
        for (int i = 0; i < parentOrdered.size(); i++) {
            parentRank.put(parentOrdered.get(i).key(), i);
        }
        Predicate<Candidate> known = c -> c.eventType() != null && parentRank.containsKey(c.key());
        Iterator<Candidate> inParentOrder = ordered.stream().filter(known)
                .sorted(Comparator.comparingInt(c -> parentRank.get(c.key()))).iterator();
        return ordered.stream().map(c -> known.test(c) ? inParentOrder.next() : c).toList();
    }

    /**
     * True when the newest of these versions (one object, one second, in the order given by
     * {@link #order}) may not be the newest: another version in the second holds a different state,
     * and nothing but the final fallback, the event id, put it first. Then only Stripe can tell
     * which state is current, and the apply path asks for the object to be fetched again.
     */
    public static boolean newestUndecided(List<Candidate> ordered) {
        int n = ordered.size();
        Candidate newest = n == 0 ? null : ordered.get(n - 1);
        for (int i = 0; i < n - 1; i++) {
            Candidate earlier = ordered.get(i);
            if (!sameState(earlier, newest) && !decided(earlier, newest)
                    && ordered.subList(i + 1, n - 1).stream().noneMatch(m -> decided(earlier, m) && decided(m, newest))) {
                return true;
            }
        }
        return false;
    }

    /** True when a signal of the rule, not the event id, puts {@code a} before {@code b}. */
    private static boolean decided(Candidate a, Candidate b) {
        return !mustPrecede(b, a) && (mustPrecede(a, b) || SIGNALS.compare(a, b) < 0);
    }

    private static boolean sameState(Candidate a, Candidate b) {
        return a.deleted() == b.deleted() && a.data().equals(b.data());
    }

    static boolean mustPrecede(Candidate a, Candidate b) {
        boolean bFollowsA = b.previousAttributes() != null && isPriorState(b.previousAttributes(), a.data());
        boolean aFollowsB = a.previousAttributes() != null && isPriorState(a.previousAttributes(), b.data());
        if (bFollowsA != aFollowsB) {
            return bFollowsA;
        }
        JsonNode ua = a.data().get("updated");
        JsonNode ub = b.data().get("updated");
        return ua != null && ub != null && ua.isNumber() && ub.isNumber() && ua.longValue() < ub.longValue();
    }

    /**
     * True when {@code state} holds the old values listed in {@code previousAttributes}. Nested
     * objects are compared key by key (for {@code metadata} only the changed keys are listed), and
     * a key that did not exist before is listed as null or "".
     */
    static boolean isPriorState(JsonNode previousAttributes, JsonNode state) {
        if (previousAttributes.isEmpty()) {
            return false;
        }
        for (Entry<String, JsonNode> field : previousAttributes.properties()) {
            if (!sameValue(field.getValue(), state.get(field.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameValue(JsonNode old, JsonNode actual) {
        boolean oldAbsent = old == null || old.isNull() || (old.isTextual() && old.asText().isEmpty());
        boolean actualAbsent = actual == null || actual.isNull() || (actual.isTextual() && actual.asText().isEmpty());
        if (oldAbsent || actualAbsent) {
            return oldAbsent && actualAbsent;
        }
        if (old.isObject() && actual.isObject()) {
            for (Entry<String, JsonNode> field : old.properties()) {
                if (!sameValue(field.getValue(), actual.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (old.isNumber() && actual.isNumber()) {
            return old.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return old.equals(actual);
    }

    /**
     * Creation first, deletion last, and a snapshot (fetched by the backfill, no event) before the
     * events of its second: an event records a change made in that second, while a snapshot taken
     * in the same second may show the state from just before it. Events that carry no
     * {@code previous_attributes} ({@code charge.refunded}) would otherwise lose to a stale snapshot.
     */
    private static int phase(Candidate c) {
        if (c.deleted()) {
            return 3;
        }
        if (c.eventType() == null) {
            return 1;
        }
        if (c.eventType().endsWith(".created")) {
            return 0;
        }
        return 2;
    }

    private static int eventRank(Candidate c) {
        List<String> progression = EVENT_PROGRESSION.get(c.objectType());
        return progression == null || c.eventType() == null ? 0 : rankIn(progression, c.eventType()) + 1;
    }

    private static int statusRank(Candidate c) {
        List<String> progression = STATUS_PROGRESSION.get(c.objectType());
        JsonNode status = c.data().get("status");
        return progression == null || status == null || !status.isTextual() ? 0 : Math.max(0, rankIn(progression, status.asText()));
    }

    /** The position of {@code value} in a progression whose steps list alternatives as "a|b"; -1 if absent. */
    private static int rankIn(List<String> progression, String value) {
        for (int rank = 0; rank < progression.size(); rank++) {
            for (String name : progression.get(rank).split("\\|")) {
                if (name.equals(value)) {
                    return rank;
                }
            }
        }
        return -1;
    }
}
