package dev.opensigma.stripe;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Naming and lifecycle rules for Stripe object types.
 *
 * <p>Table names follow Stripe Sigma: the {@code object} field in plural snake_case, dots
 * becoming underscores ({@code checkout.session} → {@code checkout_sessions}), with Sigma's few
 * exceptions ({@code radar.early_fraud_warning} → {@code early_fraud_warnings},
 * {@code invoiceitem} → {@code invoice_items}). Types nobody listed get a table the same way on
 * first sight.
 */
public final class ObjectTypes {

    private static final Map<String, String> SIGMA_EXCEPTIONS = Map.of(
            "radar.early_fraud_warning", "early_fraud_warnings",
            "invoiceitem", "invoice_items",
            "fee_refund", "application_fee_refunds",
            "line_item", "invoice_line_items",
            "item", "checkout_session_line_items");

    /**
     * Views of a type's table by parent, view → parent type: Stripe's line items of quotes and
     * payment links are {@code item} objects, as a Checkout Session's are, so all three share a
     * table; these give the first two the names {@code backfill --types} lists them by.
     */
    private static final Map<String, Map<String, String>> VIEWS_BY_PARENT = Map.of(
            "item", Map.of("quote_line_items", "quote", "payment_link_line_items", "payment_link"));

    /** Tables and views OpenSigma itself owns; an object type that would collide gets a suffix. */
    private static final Set<String> RESERVED = Stream.concat(
            Stream.of("events", "objects", "object_versions", "object_types", "history", "fields",
                    "flyway_schema_history"),
            VIEWS_BY_PARENT.values().stream().flatMap(views -> views.keySet().stream()))
            .collect(Collectors.toUnmodifiableSet());

    private static final Pattern SAFE_TYPE = Pattern.compile("[a-z][a-z0-9_.]{0,80}");

    /**
     * Types whose tables exist from the first start, so queries on them work before data arrives:
     * the common objects and the line items of invoices, credit notes, sessions, quotes and links.
     */
    public static final List<String> WELL_KNOWN = List.of(
            "account", "application_fee", "balance_transaction", "charge", "checkout.session", "coupon",
            "credit_note", "credit_note_line_item", "customer", "discount", "dispute", "invoice", "invoiceitem",
            "item", "line_item", "payment_intent", "payment_link", "payment_method", "payout", "plan", "price",
            "product", "promotion_code", "quote", "radar.early_fraud_warning", "refund", "review", "setup_intent",
            "subscription", "subscription_item", "subscription_schedule", "tax_id", "tax_rate", "topup", "transfer");

    private ObjectTypes() {
    }

    /** Sigma's exceptions to the naming rule: object type to table name, sorted by type. */
    public static Map<String, String> sigmaExceptions() {
        return new java.util.TreeMap<>(SIGMA_EXCEPTIONS);
    }

    /** The views of the type's table by parent (view name → parent type, sorted); empty for most types. */
    public static Map<String, String> viewsByParent(String objectType) {
        return new java.util.TreeMap<>(VIEWS_BY_PARENT.getOrDefault(objectType, Map.of()));
    }

    /** The names of OpenSigma's own tables and views, which no object type's table may take (sorted). */
    public static List<String> reservedTableNames() {
        return RESERVED.stream().sorted().toList();
    }

    /** True when the type is safe to name a table after (Stripe's types always are). */
    public static boolean isValidType(String objectType) {
        return objectType != null && SAFE_TYPE.matcher(objectType).matches();
    }

    public static String tableName(String objectType) {
        String exception = SIGMA_EXCEPTIONS.get(objectType);
        String name = exception != null ? exception : plural(objectType.toLowerCase(Locale.ROOT).replace('.', '_'));
        if (RESERVED.contains(name)) {
            name = name + "_objects";
        }
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /**
     * The column that names an object of this type from elsewhere, as Sigma does in
     * {@code <table>_metadata}: {@code customer_id}, {@code checkout_session_id},
     * {@code early_fraud_warning_id}.
     */
    public static String idColumn(String objectType) {
        String singular = switch (objectType) {
            case "radar.early_fraud_warning" -> "early_fraud_warning";
            case "invoiceitem" -> "invoice_item";
            default -> objectType.toLowerCase(Locale.ROOT).replace('.', '_');
        };
        return singular + "_id";
    }

    /**
     * Whether an event removes its object. {@code *.deleted} events do, except
     * {@code customer.subscription.deleted}, which only ends the subscription (status canceled).
     * An object that says {@code "deleted": true} (Stripe's deletion stub) is deleted too.
     */
    public static boolean isDeletion(String eventType, boolean objectSaysDeleted) {
        if (objectSaysDeleted) {
            return true;
        }
        return eventType != null && eventType.endsWith(".deleted") && !eventType.equals("customer.subscription.deleted");
    }

    static String plural(String snake) {
        int cut = snake.lastIndexOf('_') + 1;
        String head = snake.substring(0, cut);
        String word = snake.substring(cut);
        if (word.endsWith("ss") || word.endsWith("us") || word.endsWith("x") || word.endsWith("ch") || word.endsWith("sh")) {
            return head + word + "es";
        }
        if (word.endsWith("s")) {
            return snake; // already plural: "settings"
        }
        if (word.endsWith("y") && word.length() > 1 && "aeiou".indexOf(word.charAt(word.length() - 2)) < 0) {
            return head + word.substring(0, word.length() - 1) + "ies";
        }
        return head + word + "s";
    }
}
