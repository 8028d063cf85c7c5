/**
 * The one apply path. Every source (webhooks, the relay endpoint, file imports, the event poller and
 * the backfill) hands {@link dev.opensigma.apply.Observation}s to the {@link dev.opensigma.apply.Applier},
 * which group-commits them: each batch is one transaction that archives the events, files each
 * object version at its place in Stripe's time order, and refreshes the current state and its
 * search row; a child that its parent's complete list no longer holds is deleted there
 * ({@link dev.opensigma.apply.RemovedChildren}), whether the list came embedded in a version of the
 * parent or was read in full from the API ({@link dev.opensigma.apply.ListRead}).
 * An event of the other mode than the mirrored account's is archived without filing its object
 * ({@link dev.opensigma.apply.MirroredMode}).
 * Applying the same observation twice changes nothing; the arrival order does not matter.
 */
package dev.opensigma.apply;
