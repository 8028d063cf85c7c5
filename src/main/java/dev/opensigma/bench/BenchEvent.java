package dev.opensigma.bench;

import java.nio.charset.StandardCharsets;

/** One event to send: its id (to check it was stored) and its body, encoded once up front. */
record BenchEvent(String id, String body, byte[] bytes) {

    BenchEvent(String id, String body) {
        this(id, body, body.getBytes(StandardCharsets.UTF_8));
    }
}
