package dev.opensigma.support;

import dev.opensigma.apply.Applier;
import dev.opensigma.apply.ListRead;
import dev.opensigma.apply.Observation;
import dev.opensigma.apply.Outcome;
import dev.opensigma.apply.Source;
import dev.opensigma.store.Database;
import dev.opensigma.stripe.ObjectTypes;
import dev.opensigma.stripe.StripeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Feeds events straight into the apply path (no HTTP), for tests about what gets stored. */
public final class Applying implements AutoCloseable {

    private final Applier applier;

    public Applying(Database db, int writers, int maxBatch) throws Exception {
        this.applier = new Applier(db.dataSource(), writers, maxBatch, 100_000, outcomes -> { })
                .start(ObjectTypes.WELL_KNOWN);
    }

    /** Submits all events at once (so batches mix them), then waits for every one. */
    public List<Outcome> apply(List<String> events) throws Exception {
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (String json : events) {
            futures.add(applier.submit(Observation.of(StripeEvent.parse(json), Source.IMPORT), 60_000));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (CompletableFuture<Outcome> f : futures) {
            outcomes.add(f.get());
        }
        return outcomes;
    }

    public Outcome apply(String event) throws Exception {
        return apply(List.of(event)).getFirst();
    }

    public Outcome apply(Observation observation) throws Exception {
        return applier.submit(observation, 60_000).get();
    }

    public int applyListRead(ListRead read) throws Exception {
        return applier.applyListRead(read);
    }

    @Override
    public void close() {
        applier.close();
    }
}
