package io.dmactl.cli.command;

import io.dmactl.cli.ExitCodes;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code dmactl completion}: the bash (and zsh) completion script, generated from the commands themselves. */
@Command(name = "completion",
        mixinStandardHelpOptions = true,
        headerHeading = "",
        header = "Print a bash/zsh completion script for dmactl.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {"Completes commands, options, --driver and --provider values. The script is generated"
                + " from dmactl's own command definitions, so it always matches this version."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE},
        footerHeading = "%nExamples:%n",
        footer = {
                "  source <(dmactl completion)        this shell only",
                "  dmactl completion | sudo tee /etc/bash_completion.d/dmactl"})
public final class CompletionCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        out.flush();
        return ExitCodes.OK;
    }
}
