package dev.opensigma.ingest;

import dev.opensigma.apply.Applier;
import dev.opensigma.apply.ApplyFailedException;
import dev.opensigma.apply.DatabaseUnavailableException;
import dev.opensigma.apply.Observation;
import dev.opensigma.apply.Outcome;
import dev.opensigma.apply.Source;
import dev.opensigma.stripe.InvalidEventException;
import dev.opensigma.stripe.StripeEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Receives one event over HTTP, checks it, and waits until it is committed. Used for webhooks
 * ({@code Stripe-Signature} verified) and for the relay endpoint (bearer token).
 */
public final class EventReceiver {

    private final Applier applier;
    private final IngestMetrics metrics;
    private final Optional<SignatureVerifier> signatures;
    private final Optional<String> directToken;
    private final long maxBodyBytes;
    private final Duration commitTimeout;

    public EventReceiver(Applier applier, IngestMetrics metrics, Optional<SignatureVerifier> signatures,
                         Optional<String> directToken, long maxBodyBytes, Duration commitTimeout) {
        this.applier = applier;
        this.metrics = metrics;
        this.signatures = signatures;
        this.directToken = directToken.filter(t -> !t.isBlank());
        this.maxBodyBytes = maxBodyBytes;
        this.commitTimeout = commitTimeout;
    }

    /** An incoming request, as far as the receivers care. {@code contentLength} is -1 when unknown. */
    public record Request(long contentLength, String contentType, String credential, BodySupplier body) {
    }

    /** Reads the body only after the cheap checks passed. */
    @FunctionalInterface
    public interface BodySupplier {
        byte[] read();
    }

    /** What was stored: the event id and whether it was new. */
    public record Receipt(String eventId, Outcome outcome) {
    }

    public Receipt webhook(Request request) throws Rejection {
        return receive(Source.WEBHOOK, request);
    }

    public Receipt direct(Request request) throws Rejection {
        return receive(Source.DIRECT, request);
    }

    public boolean directEnabled() {
        return directToken.isPresent();
    }

    private Receipt receive(Source source, Request request) throws Rejection {
        long start = System.nanoTime();
        metrics.received(source);
        try {
            String body = checkedBody(source, request);
            StripeEvent event;
            try {
                event = StripeEvent.parse(body);
            } catch (InvalidEventException e) {
                throw new Rejection(400, "invalid_event", e.getMessage());
            }
            Outcome outcome = commit(Observation.of(event, source));
            metrics.committed(source, outcome, Duration.ofNanos(System.nanoTime() - start));
            return new Receipt(event.id(), outcome);
        } catch (Rejection r) {
            metrics.rejected(source, r.code());
            throw r;
        }
    }

    private String checkedBody(Source source, Request request) throws Rejection {
        if (source == Source.DIRECT) {
            checkBearer(request.credential());
        } else if (signatures.isEmpty()) {
            throw new Rejection(503, "webhooks_not_configured", "Webhooks are disabled because STRIPE_WEBHOOK_SECRET is"
                    + " not set. Set it to the endpoint's signing secret (whsec_...) and restart OpenSigma.");
        }
        String type = request.contentType() == null ? "" : request.contentType().toLowerCase();
        if (!type.equals("application/json") && !type.startsWith("application/json;")) {
            throw new Rejection(415, "unsupported_content_type", "Content-Type must be application/json, got '"
                    + (request.contentType() == null ? "none" : request.contentType()) + "'.");
        }
        if (request.contentLength() > maxBodyBytes) {
            if (request.contentLength() <= 2 * maxBodyBytes) {
                // Read to the end first: answering while the sender is still writing can reset the
                // connection, and the sender would see a network error instead of this answer.
                request.body().read();
            }
            throw tooLarge(request.contentLength());
        }
        byte[] bytes = request.body().read();
        if (bytes.length > maxBodyBytes) {
            throw tooLarge(bytes.length);
        }
        if (bytes.length == 0) {
            throw new Rejection(400, "empty_body", "The request body is empty; expected one Stripe event as JSON.");
        }
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Rejection(400, "invalid_encoding", "The body is not valid UTF-8; Stripe events are UTF-8 JSON.");
        }
        if (source == Source.WEBHOOK) {
            signatures.get().verify(body, request.credential());
        }
        return body;
    }

    private void checkBearer(String authorization) throws Rejection {
        if (directToken.isEmpty()) {
            throw new Rejection(404, "direct_disabled", "The /direct relay endpoint is disabled. Set"
                    + " OPENSIGMA_DIRECT_TOKEN to a long random secret and restart OpenSigma to enable it.");
        }
        String prefix = "Bearer ";
        if (authorization == null || !authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new Rejection(401, "missing_token", "Send 'Authorization: Bearer <OPENSIGMA_DIRECT_TOKEN>'.");
        }
        byte[] given = authorization.substring(prefix.length()).strip().getBytes(StandardCharsets.UTF_8);
        byte[] expected = directToken.get().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(sha256(given), sha256(expected))) {
            throw new Rejection(401, "bad_token", "The bearer token does not match OPENSIGMA_DIRECT_TOKEN.");
        }
    }

    private Outcome commit(Observation observation) throws Rejection {
        try {
            // Waiting for room in the queue counts against the same deadline as the commit.
            long deadline = System.nanoTime() + commitTimeout.toNanos();
            var pending = applier.submit(observation, commitTimeout.toMillis());
            return pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new Rejection(503, "commit_timeout", "The event was not committed within " + commitTimeout.toSeconds()
                    + " s; it may still be. Retry: a repeated delivery is recognised and stored once.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Rejection(503, "shutting_down", "OpenSigma is shutting down; retry later.");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DatabaseUnavailableException u) {
                throw new Rejection(503, "database_unavailable", u.getMessage() + ". The event was not acknowledged; retry later"
                        + " (Stripe retries by itself).");
            }
            if (e.getCause() instanceof ApplyFailedException f) {
                throw new Rejection(500, "apply_failed", f.getMessage());
            }
            throw new Rejection(500, "internal_error", "Unexpected error: " + e.getCause());
        }
    }

    private Rejection tooLarge(long size) {
        return new Rejection(413, "body_too_large", "The body has " + size + " bytes; the limit is " + maxBodyBytes
                + " (set --max-body-bytes to raise it).");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
