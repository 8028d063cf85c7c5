package dev.opensigma.schema;

/**
 * One top-level field of a Stripe object type and the typed column it becomes.
 *
 * @param name   the Stripe field name, which is also the column name
 * @param origin where the field is known from: {@code stripe-java} or {@code observed}
 */
public record Field(String name, ColumnType type, String origin) {
}
