package dev.opensigma;

import dev.opensigma.cli.OpenSigmaCommand;
import picocli.CommandLine;

/** Entry point of the runnable jar. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(OpenSigmaCommand.commandLine().execute(args));
    }
}
