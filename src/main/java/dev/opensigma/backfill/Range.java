package dev.opensigma.backfill;

/**
 * A slice of one list, the unit of work and of checkpointing: one account's objects of one type
 * (and variant, and parent for child lists) created in {@code [createdGte, createdLt)}, paged newest
 * first from {@code cursor}.
 *
 * @param id        the checkpoint row's id (0 before it is stored)
 * @param account   "" for the key's own account, else the connected account's id
 * @param lastCreated the {@code created} of the last object paged so far (null before the first page)
 */
public record Range(long id, String account, String listType, int variant, String parentId,
                    Long createdGte, Long createdLt, String cursor, int pages, long objects, Long lastCreated) {

    static Range fresh(String account, String listType, int variant, String parentId, Long createdGte, Long createdLt) {
        return new Range(0, account, listType, variant, parentId, createdGte, createdLt, null, 0, 0, null);
    }

    Range withId(long newId) {
        return new Range(newId, account, listType, variant, parentId, createdGte, createdLt, cursor, pages, objects, lastCreated);
    }

    /** After a page: the cursor moves on. */
    Range advanced(String nextCursor, int pageObjects, Long newestSeen) {
        return new Range(id, account, listType, variant, parentId, createdGte, createdLt, nextCursor, pages + 1,
                objects + pageObjects, newestSeen);
    }

    /** The lower part of the range is handed to another worker; this one keeps {@code [from, ...)}. */
    Range startingFrom(long from) {
        return new Range(id, account, listType, variant, parentId, from, createdLt, cursor, pages, objects, lastCreated);
    }

    /** Where the list's rate budget is counted, and how many slices of it are in flight. */
    String endpointKey() {
        return account + " " + listType + " " + variant;
    }
}
