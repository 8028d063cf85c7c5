package dev.opensigma.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opensigma.stripe.Json;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventSupplyTest {

    @Test
    void eachCallGivesTheCountAskedForAndNeverAnEventGivenBefore() {
        EventSupply supply = new EventSupply(42, 1_760_000_000L);

        List<BenchEvent> first = supply.next(500);
        List<BenchEvent> second = supply.next(300);

        assertThat(first).hasSize(500);
        assertThat(second).hasSize(300);
        Set<String> ids = new HashSet<>();
        first.forEach(e -> ids.add(e.id()));
        second.forEach(e -> ids.add(e.id()));
        assertThat(ids).hasSize(800);
    }

    @Test
    void eventsAreAboutThreeKilobytesOnAverage() {
        EventSupply supply = new EventSupply(7, 1_760_000_000L);

        supply.next(1_000);

        assertThat(supply.meanEventBytes()).isBetween(2_700.0, 3_600.0);
    }

    @Test
    void anObjectCarriesTheSamePaddingInEveryVersion() throws Exception {
        Map<String, JsonNode> paddingByObject = new HashMap<>();
        int versions = 0;
        for (BenchEvent event : new EventSupply(3, 1_760_000_000L).next(1_000)) {
            JsonNode object = Json.MAPPER.readTree(event.body()).path("data").path("object");
            if (!object.has("id")) {
                continue;
            }
            String key = object.path("object").asText() + ":" + object.path("id").asText();
            JsonNode before = paddingByObject.putIfAbsent(key, object.get("bench_padding"));
            if (before != null) {
                versions++;
                assertThat(object.get("bench_padding")).as(key).isEqualTo(before);
            }
        }
        assertThat(versions).as("objects with more than one version").isPositive();
    }
}
