/**
 * The command line ({@code ./opensigma <command>}), built with picocli. Each command reads its
 * options, opens what it needs from {@code store}, and hands off to the part that does the work.
 */
package dev.opensigma.cli;
