/**
 * The HTTP server (Javalin on Jetty): mounts the ingest receivers at {@code /webhooks} and
 * {@code /direct}, and serves {@code /health} and {@code /metrics}. Listens on loopback unless
 * told otherwise.
 */
package dev.opensigma.web;
