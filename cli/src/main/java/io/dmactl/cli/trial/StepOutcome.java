package io.dmactl.cli.trial;

import io.dmactl.cli.output.JsonRecord;

import java.util.OptionalInt;

/**
 * How one step of {@code try} ended.
 *
 * @param title    the step's title
 * @param command  the dmactl command line it ran
 * @param exitCode its exit status; empty when it never finished (the guest died or timed out)
 * @param seconds  its wall time in the guest, as seen from the host
 * @param output   what it printed (stdout and stderr)
 */
public record StepOutcome(String title, String command, OptionalInt exitCode, double seconds, String output)
        implements JsonRecord {

    public boolean passed() {
        return exitCode.isPresent() && exitCode.getAsInt() == 0;
    }
}
