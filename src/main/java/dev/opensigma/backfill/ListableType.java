package dev.opensigma.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.stripe.api.Param;
import java.util.List;
import java.util.stream.Stream;

/**
 * One list endpoint of Stripe's API and how to copy it completely.
 *
 * @param name          what users select it by ({@code --types charges,invoice_line_items}); Sigma's table name
 * @param objectType    Stripe's {@code object} value of the listed objects
 * @param path          the list path; a child list has {@code {id}} where its parent's id goes
 * @param createdFilter whether the list takes {@code created[...]}, so its history can be split into ranges
 * @param variants      parameter sets, each listed in full, that together cover every object
 *                      (subscriptions need {@code status=all}; prices list active and archived separately)
 * @param parent        for a child list, which parents have children to fetch; null for a top-level list
 * @param platformOnly  only the platform account has it (e.g. its connected accounts)
 */
public record ListableType(String name, String objectType, String path, boolean createdFilter,
                           List<List<Param>> variants, Parent parent, boolean platformOnly) {

    /**
     * @param type          the parent's list name
     * @param embeddedField the parent's embedded list of these children ({@code lines}); when it is
     *                      complete ({@code has_more: false}) there is nothing to fetch. Null: the
     *                      parent embeds none, so every parent is asked.
     * @param parentParam   for lists filtered by a parameter ({@code subscription_items?subscription=}), its name
     */
    public record Parent(String type, String embeddedField, String parentParam) {
    }

    public boolean isChild() {
        return parent != null;
    }

    /** The list path for one parent. */
    public String pathFor(String parentId) {
        return parent == null || parent.parentParam() != null ? path : path.replace("{id}", parentId);
    }

    /** The parameters of a variant for one parent (none for top-level lists). */
    public List<Param> paramsFor(int variant, String parentId) {
        List<Param> base = variants.get(variant);
        if (parent == null || parent.parentParam() == null) {
            return base;
        }
        return Stream.concat(base.stream(), Stream.of(new Param(parent.parentParam(), parentId)))
                .toList();
    }

    /**
     * When a listed object was created, the time its list's {@code created[...]} filter goes by:
     * its {@code created}, or for an invoice item, which has none, its {@code date} ("time at which
     * the object was created").
     */
    public long createdOf(JsonNode object) {
        return object.path(objectType.equals("invoiceitem") ? "date" : "created").asLong();
    }

    /**
     * The parent's field that holds this list: the field it embeds ({@code lines}), or for a list
     * the parent never embeds, the path's last segment ({@code /v1/quotes/{id}/line_items} →
     * {@code line_items}); null for lists filtered by a parameter that the parent does not embed.
     */
    public String listField() {
        if (parent.embeddedField() != null) {
            return parent.embeddedField();
        }
        int at = path.indexOf("{id}/");
        return at < 0 ? null : path.substring(at + "{id}/".length());
    }

    /** True when this parent object's own embedded list shows children beyond those embedded. */
    public boolean needsFetching(JsonNode parentObject) {
        if (parent.embeddedField() == null) {
            return true;
        }
        JsonNode embedded = parentObject.path(parent.embeddedField());
        return !embedded.isObject() || embedded.path("has_more").asBoolean(false);
    }
}
