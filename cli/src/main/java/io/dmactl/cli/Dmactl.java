package io.dmactl.cli;

import io.dmactl.cli.command.BenchCommand;
import io.dmactl.cli.command.BindCommand;
import io.dmactl.cli.command.CompletionCommand;
import io.dmactl.cli.command.CompareCommand;
import io.dmactl.cli.command.CopyCommand;
import io.dmactl.cli.command.CrcCommand;
import io.dmactl.cli.command.InfoCommand;
import io.dmactl.cli.command.ListCommand;
import io.dmactl.cli.command.SelftestCommand;
import io.dmactl.cli.command.TryCommand;
import io.dmactl.cli.command.UnbindCommand;
import io.dmactl.cli.host.HostSystem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * The {@code dmactl} command: finds DMA engines, hands PCI devices to userspace and back, and
 * moves bytes between locations. Each subcommand is one class in {@code io.dmactl.cli.command}.
 */
@Command(name = "dmactl",
        mixinStandardHelpOptions = true,
        versionProvider = DmactlVersion.class,
        sortOptions = false,
        headerHeading = "",
        header = "Userspace DMA over VFIO: find engines, bind devices, move bytes.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
                "dmactl drives DMA engines from user space through VFIO (the IOMMU keeps every device"
                        + " inside the memory it was given). You name locations - host memory, a file, a"
                        + " device BAR, a device's private memory - never physical or bus addresses; dmactl"
                        + " picks an engine that can reach both ends and moves the bytes.",
                "",
                "Locations, where bytes come from and go to (details: dmactl copy --help):",
                "  mem[:SIZE][+OFFSET]       host memory, a fresh DMA buffer",
                "  file:PATH                 a host file",
                "  ADDR/barN[+OFFSET]        BAR N of PCI function ADDR, e.g. 0000:00:03.0/bar2",
                "  ADDR/dev[:NAME][+OFFSET]  memory only ADDR's own engine reaches: the edu",
                "                            buffer, an NVMe namespace, e.g. 0000:00:02.0/dev",
                "  SIZE, OFFSET: 4096, 0x1000, 4K, 64K, 1M, 1G. ADDR: 0000:00:03.0 or 00:03.0.",
                "",
                "A first session, on a machine with a DMA-capable device (the addresses are the",
                "testbed's: edu 0000:00:02.0, ivshmem 0000:00:03.0, nvme 0000:00:04.0):",
                "  dmactl list                      devices a provider drives, software engines",
                "  sudo dmactl bind 0000:00:02.0    to vfio-pci (checks IOMMU group, host use)",
                "  dmactl info 0000:00:02.0         BARs, IRQs, valid IOVA ranges, the engine",
                "  dmactl copy mem 0000:00:02.0/dev+0 --size 4000 --verify",
                "                                   into edu's buffer (at most 4095 bytes)",
                "  sudo dmactl unbind 0000:00:02.0  back to the driver it had",
                "Check and measure the engines: dmactl selftest, dmactl bench.",
                "Without DMA hardware: dmactl copy mem mem --size 1M --verify (cpu engine), or",
                "dmactl try: boots the testbed guest (QEMU, emulated devices and IOMMU) and runs",
                "all of the above in it."},
        commandListHeading = "%nCommands:%n",
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes (the same for every command):%n",
        exitCodeList = {
                ExitCodes.OK_LINE, ExitCodes.FAILURE_LINE, ExitCodes.USAGE_LINE, ExitCodes.NOT_FOUND_LINE,
                ExitCodes.PERMISSION_LINE, ExitCodes.UNAVAILABLE_LINE, ExitCodes.REFUSED_LINE,
                ExitCodes.INTERNAL_LINE},
        footerHeading = "%n",
        footer = {"Run 'dmactl COMMAND --help' for a command's options and examples.",
                "Shell completion: source <(dmactl completion)"},
        subcommands = {
                ListCommand.class,
                BindCommand.class,
                UnbindCommand.class,
                InfoCommand.class,
                CopyCommand.class,
                CrcCommand.class,
                CompareCommand.class,
                SelftestCommand.class,
                BenchCommand.class,
                TryCommand.class,
                CompletionCommand.class,
                CommandLine.HelpCommand.class})
public final class Dmactl implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private VerboseMixin verbose;

    public static void main(String[] args) {
        System.exit(commandLine(HostSystem.live()).execute(args));
    }

    /** dmactl's command line working on {@code host}, with its error reporting and exit codes. */
    public static CommandLine commandLine(HostSystem host) {
        ErrorReporter errors = new ErrorReporter();
        CommandLine commandLine = new CommandLine(Dmactl.class, new CommandFactory(host));
        commandLine.setExecutionExceptionHandler(errors);
        commandLine.setParameterExceptionHandler(errors);
        commandLine.setExitCodeExceptionMapper(new ExitCodes());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // picocli would read the arguments from FILE for an argument @FILE: dmactl documents no
        // such thing, and 'dmactl info @/dev/zero' read forever. An argument is what was typed.
        commandLine.setExpandAtFiles(false);
        // Every subcommand's -V/--version prints dmactl's version (picocli would print nothing for
        // a subcommand that declares no version of its own).
        giveVersionTo(commandLine, new DmactlVersion());
        return commandLine;
    }

    private static void giveVersionTo(CommandLine command, CommandLine.IVersionProvider version) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null && sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().versionProvider(version);
            }
            giveVersionTo(sub, version);
        }
    }

    /** Without a command: say what the commands are, and fail as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("dmactl: missing command; the commands are below.");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    VerboseMixin verboseMixin() {
        return verbose;
    }
}
