package io.dmactl.cli.command;

import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpAndUsageTest {

    @TempDir
    Path temporary;

    private HostSystem host;

    @BeforeEach
    void setUp() {
        host = FixtureMachine.q35(temporary).hostWithoutVfio();
    }

    @Test
    void topHelpListsTheCommandsAndEveryExitCode() {
        CliRun run = CliRun.of(host, "--help");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        for (String command : List.of("list", "bind", "unbind", "info", "copy", "selftest", "bench", "try", "completion")) {
            assertTrue(run.out().contains("\n  " + command + " "), () -> command + " missing:\n" + run.out());
        }
        for (int code : new int[] {0, 1, 2, 3, 4, 5, 6, 70}) {
            assertTrue(run.out().contains("\n  " + code + " "), () -> "exit code " + code + " missing:\n" + run.out());
        }
        assertTrue(run.out().contains("dmactl copy mem mem --size 1M --verify"), run.out());
        assertEquals("", run.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "bind", "unbind", "info", "copy", "selftest", "bench", "try", "completion"})
    void everyCommandHelpHasExitCodesAndExamplesThatFitA80ColumnTerminal(String command) {
        CliRun run = CliRun.of(host, command, "--help");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("Usage: dmactl " + command), run.out());
        assertTrue(run.out().contains("\nExit codes:\n  0 "), run.out());
        assertTrue(run.out().contains("\nExamples:\n  "), run.out());
        for (String line : run.out().split("\n")) {
            assertTrue(line.length() <= 80, () -> "too wide (" + line.length() + "): " + line);
        }
    }

    @Test
    void copyHelpTeachesTheLocationSyntax() {
        String help = CliRun.of(host, "help", "copy").out();
        for (String form : List.of("mem[:SIZE][+OFFSET]", "file:PATH", "ADDR/barN[+OFFSET]", "ADDR/dev[:NAME][+OFFSET]",
                "4K, 64K, 1M, 1G")) {
            assertTrue(help.contains(form), () -> form + " missing:\n" + help);
        }
    }

    @Test
    void noCommandIsAUsageErrorThatShowsTheCommands() {
        CliRun run = CliRun.of(host);
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("dmactl: missing command; the commands are below.\n"), run.err());
        assertTrue(run.err().contains("\n  copy "), run.err());
        assertEquals("", run.out());
    }

    @Test
    void aMistypedCommandIsOneLineWithASuggestion() {
        CliRun run = CliRun.of(host, "lst");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals(1, run.errLines().length, run::toString);
        assertTrue(run.err().startsWith("dmactl: "), run.err());
        assertTrue(run.err().contains("'lst'") && run.err().contains("did you mean list"), run.err());
        assertTrue(run.err().contains("(see 'dmactl --help')"), run.err());
    }

    @Test
    void anUnknownOptionIsOneLineNamingIt() {
        CliRun run = CliRun.of(host, "list", "--colour");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals(1, run.errLines().length, run::toString);
        assertTrue(run.err().startsWith("dmactl list: Unknown option: '--colour'"), run.err());
        assertTrue(run.err().contains("(see 'dmactl list --help')"), run.err());
    }

    @Test
    void versionNamesDmactlAndTheJava() {
        CliRun run = CliRun.of(host, "--version");
        assertEquals(ExitCodes.OK, run.exitCode());
        assertTrue(run.out().startsWith("dmactl "), run.out());
        assertTrue(run.out().contains("Java " + Runtime.version()), run.out());
    }

    @Test
    void everySubcommandsVersionOptionPrintsDmactlsVersion() {
        String top = CliRun.of(host, "--version").out();
        CommandLine commandLine = io.dmactl.cli.Dmactl.commandLine(host);
        for (var sub : commandLine.getSubcommands().entrySet()) {
            if (!sub.getValue().getCommandSpec().mixinStandardHelpOptions()) {
                continue; // 'help' takes a command name, not options
            }
            String name = sub.getKey();
            for (String option : List.of("-V", "--version")) {
                CliRun run = CliRun.of(host, name, option);
                assertEquals(ExitCodes.OK, run.exitCode(), name + " " + option + ": " + run);
                assertEquals(top, run.out(), name + " " + option);
            }
        }
    }

    @Test
    void verboseBeforeOrAfterTheCommandAddsTheStackTraceToAnError() {
        CliRun quiet = CliRun.of(host, "info", "0000:00:09.0");
        assertEquals(1, quiet.errLines().length, quiet::toString);
        for (String[] args : List.of(new String[] {"-v", "info", "0000:00:09.0"}, new String[] {"info", "0000:00:09.0", "--verbose"})) {
            CliRun loud = CliRun.of(host, args);
            assertEquals(ExitCodes.NOT_FOUND, loud.exitCode());
            assertEquals(quiet.errLines()[0], loud.errLines()[0]);
            assertTrue(loud.err().contains("NoSuchPciDeviceException") && loud.err().contains("\tat io.dmactl."), loud.err());
        }
    }

    @Test
    void aBugIsReportedAsAnInternalErrorOnOneLine() {
        DmaProvider broken = new DmaProvider() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public DeviceRequirement devices() {
                throw new IllegalStateException("devices() blew up");
            }

            @Override
            public DmaEngine open(EngineContext context) {
                throw new AssertionError();
            }
        };
        HostSystem withBug = FixtureMachine.q35(temporary.resolve("bug")).host(List.of(broken), device -> {
            throw new AssertionError();
        });
        CliRun run = CliRun.of(withBug, "list");
        assertEquals(ExitCodes.INTERNAL, run.exitCode());
        assertEquals(1, run.errLines().length, run::toString);
        assertEquals("dmactl list: internal error: java.lang.IllegalStateException: devices() blew up"
                + " (run with --verbose for the stack trace, and please report it)", run.errLines()[0]);
    }

    @Test
    void completionCoversCommandsOptionsAndDriverNames() {
        CliRun run = CliRun.of(host, "completion");
        assertEquals(ExitCodes.OK, run.exitCode());
        assertTrue(run.out().contains("complete -F"), "a bash completion script");
        for (String word : List.of("list", "bind", "unbind", "info", "copy", "--no-iommu", "--verify", "uio_pci_generic")) {
            assertTrue(run.out().contains(word), () -> word + " missing from the completion script");
        }
    }
}
