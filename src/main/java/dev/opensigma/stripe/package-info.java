/**
 * What OpenSigma knows about Stripe's data model: reading an event, naming an object type's
 * table by Sigma's convention, and which events delete an object. No I/O here.
 */
package dev.opensigma.stripe;
