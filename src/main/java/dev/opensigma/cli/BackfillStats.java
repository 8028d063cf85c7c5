package dev.opensigma.cli;

import dev.opensigma.backfill.Backfill;
import dev.opensigma.stripe.Json;
import dev.opensigma.stripe.api.StripeApi;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A backfill's figures as JSON, read by {@code bench backfill} from the process it measured. */
final class BackfillStats {

    private BackfillStats() {
    }

    static void write(Path file, Backfill.Result result, double seconds, StripeApi.Counts counts) throws IOException {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("completed", result.completed());
        stats.put("objects", result.objects());
        stats.put("pages", result.pages());
        stats.put("seconds", seconds);
        stats.put("requests", counts.requests());
        stats.put("rate_limited", counts.rateLimited());
        stats.put("server_errors", counts.serverErrors());
        stats.put("peak_heap_bytes", peakHeap());
        stats.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        Json.MAPPER.writeValue(file.toFile(), stats);
    }

    /** The most heap in use at any moment, garbage included (the sum of each heap pool's peak). */
    static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
