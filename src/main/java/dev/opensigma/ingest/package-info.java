/**
 * The edges where events come in: Stripe webhooks (signature-verified), the {@code /direct} relay
 * for events another service already verified, and NDJSON file imports. Each checks its input,
 * turns it into {@link dev.opensigma.apply.Observation}s and hands them to the apply path; a
 * webhook is acknowledged only once its event is committed. Independent of the HTTP framework:
 * {@code web} adapts requests to the receivers here.
 */
package dev.opensigma.ingest;
