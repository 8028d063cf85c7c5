package dev.opensigma.apply;

import static dev.opensigma.support.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.stripe.Json;
import dev.opensigma.stripe.StripeEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which writer an observation goes to: every version of one object to the same one. */
class WriterKeyTest {

    private static Observation of(String json) throws Exception {
        return Observation.of(StripeEvent.parse(json), Source.WEBHOOK);
    }

    @Test
    void eventsAndSnapshotsOfOneObjectShareAWriter() throws Exception {
        Observation created = of(event("evt_1", "invoice.created", 10, "{\"id\":\"in_1\",\"object\":\"invoice\"}", null));
        Observation paid = of(event("evt_2", "invoice.paid", 11, "{\"id\":\"in_1\",\"object\":\"invoice\"}", null));
        Observation snapshot = Observation.snapshot(json("{\"id\":\"in_1\",\"object\":\"invoice\"}"), Instant.EPOCH, null, null);
        Observation other = of(event("evt_3", "invoice.created", 10, "{\"id\":\"in_2\",\"object\":\"invoice\"}", null));

        assertThat(Applier.writerKey(created)).isEqualTo(Applier.writerKey(paid)).isEqualTo(Applier.writerKey(snapshot));
        assertThat(Applier.writerKey(other)).isNotEqualTo(Applier.writerKey(created));
        // The same id in another type is another object.
        Observation customer = of(event("evt_4", "customer.created", 10, "{\"id\":\"in_1\",\"object\":\"customer\"}", null));
        assertThat(Applier.writerKey(customer)).isNotEqualTo(Applier.writerKey(created));
    }

    @Test
    void aChildListEntryGoesWithItsParentWhoseEventsEmbedIt() throws Exception {
        Observation invoice = of(event("evt_1", "invoice.created", 10,
                "{\"id\":\"in_1\",\"object\":\"invoice\",\"lines\":{\"object\":\"list\",\"data\":[{\"id\":\"il_1\",\"object\":\"line_item\"}]}}",
                null));
        Observation line = Observation.childSnapshot(json("{\"id\":\"il_1\",\"object\":\"line_item\"}"), Instant.EPOCH, null, null,
                "invoice", "in_1");

        assertThat(Applier.writerKey(line)).isEqualTo(Applier.writerKey(invoice));
    }

    @Test
    void anEventWithoutAnObjectGoesByItsIdSoItsDuplicatesMeet() throws Exception {
        String upcoming = event("evt_up", "invoice.upcoming", 10, "{\"object\":\"invoice\",\"amount_due\":1200}", null);

        assertThat(Applier.writerKey(of(upcoming))).isEqualTo(Applier.writerKey(of(upcoming)))
                .isNotEqualTo(Applier.writerKey(of(upcoming.replace("evt_up", "evt_up2"))));
    }

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }
}
