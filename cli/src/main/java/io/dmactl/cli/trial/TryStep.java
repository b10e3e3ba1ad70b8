package io.dmactl.cli.trial;

import java.util.List;

/**
 * One dmactl command {@code try} runs in the guest.
 *
 * @param title     what it shows, e.g. "copy host -> edu buffer"
 * @param arguments dmactl's arguments, without --json
 * @param reports   whether it takes --json
 */
public record TryStep(String title, List<String> arguments, boolean reports) {

    public TryStep {
        arguments = List.copyOf(arguments);
    }

    /** As the user would type it. */
    public String commandLine(boolean json) {
        return "dmactl " + String.join(" ", arguments) + (json && reports ? " --json" : "");
    }
}
