/**
 * The relational face of the mirror: which typed column each top-level Stripe field becomes, for
 * every object type. Field lists come from stripe-java's model classes for the pinned API version,
 * extended by fields seen in data that stripe-java does not know yet. No I/O here.
 */
package dev.opensigma.schema;
