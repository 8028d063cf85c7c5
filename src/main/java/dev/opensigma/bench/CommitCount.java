package dev.opensigma.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Transactions the apply path committed and the observations in them, read from the server's
 * {@code /metrics}: their ratio is how well group commit is sharing fsyncs among requests.
 */
record CommitCount(double commits, double observations) {

    private static final Pattern COUNT = Pattern.compile("(?m)^opensigma_apply_batch_size_count(?:\\{[^}]*})? (\\S+)$");
    private static final Pattern SUM = Pattern.compile("(?m)^opensigma_apply_batch_size_sum(?:\\{[^}]*})? (\\S+)$");

    static CommitCount scrape(URI metrics) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String text = http.send(HttpRequest.newBuilder(metrics).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            return new CommitCount(value(COUNT, text), value(SUM, text));
        }
    }

    CommitCount since(CommitCount earlier) {
        return new CommitCount(commits - earlier.commits, observations - earlier.observations);
    }

    double observationsPerCommit() {
        return commits == 0 ? 0 : observations / commits;
    }

    private static double value(Pattern pattern, String metrics) {
        Matcher m = pattern.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0; // absent until the first commit
    }
}
