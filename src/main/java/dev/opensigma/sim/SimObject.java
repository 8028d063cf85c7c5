package dev.opensigma.sim;

/**
 * One object as the simulator holds it now.
 *
 * @param account  the account that owns it ({@code acct_...}, the platform's for platform objects)
 * @param type     Stripe's {@code object} value ({@code charge}, {@code line_item}, {@code item}...)
 * @param json     the current state, exactly as the API serves it; for a deleted object its last full state
 * @param deleted  true once deleted (it then appears in no list)
 * @param parentId the object whose list endpoint enumerates it ({@code in_...} for invoice lines,
 *                 {@code sub_...} for subscription items, {@code cus_...} for tax ids and payment
 *                 methods); null when a top-level list holds it
 */
public record SimObject(String account, String type, String id, String json, boolean deleted, String parentId) {
}
