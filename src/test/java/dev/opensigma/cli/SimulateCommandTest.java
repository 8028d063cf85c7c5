package dev.opensigma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code simulate}: starts the Stripe API simulator, says how to use it, serves until stopped. */
class SimulateCommandTest {

    @Test
    void startsServesAndStops() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread running = Thread.ofPlatform().start(() -> exit.set(OpenSigmaCommand.commandLine()
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("simulate", "--port", "0", "--latency-ms", "0", "--live-events-per-second", "0", "--scale", "600",
                        "--seed", "5")));
        Matcher listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)").matcher("");
        long deadline = System.nanoTime() + 60_000_000_000L;
        // Its last line says how to stop it: the lines before it, read earlier, may not all be there yet.
        while (!out.toString().contains("Ctrl-C") || !listening.reset(out.toString()).find()) {
            assertThat(running.isAlive()).as("exited early:\n" + out + err).isTrue();
            assertThat(System.nanoTime()).as("never started:\n" + out + err).isLessThan(deadline);
            Thread.sleep(50);
        }
        String base = listening.group(1);
        Matcher key = Pattern.compile("STRIPE_API_KEY=(sk_test_\\w+) \\./opensigma backfill").matcher(out.toString());
        assertThat(key.find()).as(out.toString()).isTrue();

        HttpResponse<String> customers = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/v1/customers"))
                .header("Authorization", "Bearer " + key.group(1)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(customers.statusCode()).isEqualTo(200);
        assertThat(customers.body()).startsWith("{\"object\":\"list\",\"url\":\"/v1/customers\"");
        assertThat(out.toString()).contains("STRIPE_API_BASE=" + base).contains("platform account acct_").contains("Ctrl-C");

        running.interrupt();
        running.join(10_000);
        assertThat(running.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
    }

    @Test
    void aBadScaleIsAUsageError() {
        Cli.Result r = Cli.run("simulate", "--scale", "huge");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("scale must be small, medium, large or a number");
    }
}
