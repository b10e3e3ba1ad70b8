package io.dmactl.cli.command;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.host.ProviderCatalog;
import io.dmactl.cli.output.UserText;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Iterator;
import java.util.List;

/** Completion candidates for {@code --provider}: the providers on the class path. */
final class ProviderNames implements Iterable<String> {

    @Override
    public Iterator<String> iterator() {
        return ProviderCatalog.discover().names().iterator();
    }

    /**
     * A comma-separated {@code --provider} list that was given but names nothing ({@code ,}) is
     * refused: an empty list means every provider, and opening a device engine resets the device.
     *
     * @throws DmactlException USAGE naming what was given
     */
    static void requireNamedIfGiven(CommandSpec spec, List<String> providers) {
        OptionSpec option = spec.findOption("--provider");
        if (providers.isEmpty() && option != null && spec.commandLine().getParseResult().hasMatchedOption(option)) {
            throw new DmactlException(ExitCodes.USAGE, "--provider " + UserText.quote(String.join(" ",
                    option.originalStringValues())) + " names no provider; give e.g. --provider cpu or --provider cpu,edu,"
                    + " or leave it out for all");
        }
    }
}
