package io.dmactl.cli;

import picocli.CommandLine.Option;

/** {@code --json}: for every command that reports something. */
public final class JsonMixin {

    @Option(names = "--json",
            description = "Print the result as JSON on stdout, for scripts. Errors still go to stderr as one line.")
    private boolean json;

    public boolean enabled() {
        return json;
    }
}
