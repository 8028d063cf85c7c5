package dev.opensigma.apply;

import java.time.Instant;
import java.util.Set;

/**
 * A parent's child list read in full from the API ({@code /v1/invoices/in_1/lines} paged to its
 * end, or answered 404 because the parent is gone): the entries it held and when it was read.
 * What it says beyond its entries, which are filed as child snapshots, is {@link
 * Applier#applyListRead}'s job: that the children stored under the parent and missing from it
 * were removed.
 *
 * @param account   null for the key's own account
 * @param field     the parent's field that embeds the list ({@code lines}, {@code items})
 * @param listed    the ids of the entries read; empty when the parent is gone
 * @param startedAt when the first page was asked for
 * @param endedAt   when the last page was answered: by then a missing child was gone
 */
public record ListRead(String parentType, String parentId, String account, String field, Set<String> listed,
                       Instant startedAt, Instant endedAt, String apiVersion, Source source) {

    /**
     * Whether such a read says that the children it lacks are gone: true for the lists whose
     * entries exist only while listed (an invoice's lines, a subscription's items, a credit note's
     * lines); a customer's payment methods, say, outlive their place in its list.
     */
    public static boolean tellsRemovals(String parentType, String field) {
        return RemovedChildren.removing(parentType, field) != null;
    }

    /**
     * Whether the parent's events carry entries of this list that leave it without an event (an
     * invoice's lines, a subscription's items): entries filed from an event only a later read of
     * the list can take off. A quote's line items are removable too, but no event carries them.
     */
    public static boolean eventsCarryEntriesThatLeave(String parentType, String field) {
        return RemovedChildren.embeddedRemoving(parentType, field);
    }

    /** The list of a parent that Stripe no longer has (a deleted draft answers 404): it holds nothing, now. */
    public static ListRead ofParentGone(String parentType, String parentId, String account, String field,
                                        String apiVersion, Source source) {
        Instant now = Instant.now();
        return new ListRead(parentType, parentId, account, field, Set.of(), now, now, apiVersion, source);
    }

    public ListRead {
        listed = Set.copyOf(listed);
        if (endedAt.isBefore(startedAt)) {
            throw new IllegalArgumentException("A list read ends (" + endedAt + ") before it starts (" + startedAt + ")");
        }
    }
}
