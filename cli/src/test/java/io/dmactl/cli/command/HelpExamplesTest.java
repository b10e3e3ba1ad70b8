package io.dmactl.cli.command;

import io.dmactl.cli.CliRun;
import io.dmactl.cli.Dmactl;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.location.ByteCount;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every example in dmactl's help is a command line that parses, for the command whose help shows
 * it, and names only what the testbed has: edu 0000:00:02.0 (a 4095-byte buffer), ivshmem
 * 0000:00:03.0 (no engine memory), nvme 0000:00:04.0 and the LSI53C895A 0000:00:05.0. Examples are the indented lines of
 * each command's footer and of the top-level description that start with {@code dmactl} (after
 * {@code sudo}, {@code ./} or {@code source <(}); what follows a pipe, a redirection or a run of
 * spaces (the explanation column) is not part of the command. Parsing only: nothing runs.
 */
class HelpExamplesTest {

    private static final String EDU = "0000:00:02.0";
    private static final Set<String> TESTBED_DEVICES = Set.of(EDU, "0000:00:03.0", "0000:00:04.0", "0000:00:05.0");
    private static final Set<String> DEVICES_WITH_ENGINE_MEMORY = Set.of(EDU, "0000:00:04.0");
    private static final Pattern PCI_ADDRESS = Pattern.compile("\\b((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7])(/\\w+)?");
    private static final long EDU_BUFFER_BYTES = 4095;

    @TempDir
    Path temporary;

    private HostSystem host;

    @BeforeEach
    void setUp() {
        host = FixtureMachine.q35(temporary).hostWithoutVfio();
    }

    @Test
    void everyExampleParsesForItsCommandAndFitsTheTestbed() {
        Map<String, List<String>> exampleLines = exampleLinesByCommand();
        int examples = 0;
        for (Map.Entry<String, List<String>> command : exampleLines.entrySet()) {
            List<List<String>> parsed = command.getValue().stream().map(HelpExamplesTest::example)
                    .flatMap(Optional::stream).toList();
            assertFalse(parsed.isEmpty(), () -> "no example found in the help of '" + command.getKey() + "'");
            for (List<String> args : parsed) {
                checkParses(command.getKey(), args);
                checkFitsTheTestbed(args);
                examples++;
            }
        }
        assertTrue(examples >= 25, "only " + examples + " examples found: is the extraction broken?");
    }

    @Test
    void theCheckRejectsTheExamplesThatWereWrong() {
        // The top-level example before it was fixed: ivshmem has no engine memory, edu takes 4095 bytes.
        List<String> wrong = example("  dmactl copy mem 0000:00:03.0/dev+0 --size 4K --verify").orElseThrow();
        checkParses("copy", wrong);
        assertThrowsAssertion(() -> checkFitsTheTestbed(wrong));
        List<String> tooLong = example("  dmactl copy mem 0000:00:02.0/dev+0 --size 4K --verify").orElseThrow();
        assertThrowsAssertion(() -> checkFitsTheTestbed(tooLong));
        assertThrowsAssertion(() -> checkParses("copy", example("    dmactl copy mem 0000:00:02.0/dev+0 --sise 4000").orElseThrow()));
        assertThrowsAssertion(() -> checkParses("info", example("  dmactl list --json | jq .").orElseThrow()));
        assertEquals(List.of("completion"), example("  source <(dmactl completion)        this shell only").orElseThrow());
        assertEquals(Optional.empty(), example("dmactl try: boots the testbed guest"), "prose is not indented");
    }

    @Test
    void theTopLevelHelpShowsTheLocationSyntaxWithin80Columns() {
        CliRun run = CliRun.of(host, "--help");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        for (String form : List.of("mem[:SIZE][+OFFSET]", "file:PATH", "ADDR/barN[+OFFSET]", "ADDR/dev[:NAME][+OFFSET]")) {
            assertTrue(run.out().contains("\n  " + form + " "), () -> form + " missing:\n" + run.out());
        }
        for (String line : run.out().split("\n")) {
            assertTrue(line.length() <= 80, () -> "too wide (" + line.length() + "): " + line);
        }
    }

    /** The example lines of each command's help: the footers, and the top level's description. */
    private Map<String, List<String>> exampleLinesByCommand() {
        CommandLine top = Dmactl.commandLine(host);
        Map<String, List<String>> lines = new LinkedHashMap<>();
        List<String> topLines = new ArrayList<>(List.of(top.getCommandSpec().usageMessage().description()));
        topLines.addAll(List.of(top.getCommandSpec().usageMessage().footer()));
        lines.put("", topLines);
        for (Map.Entry<String, CommandLine> sub : top.getSubcommands().entrySet()) {
            if (!sub.getKey().equals("help")) {
                lines.put(sub.getKey(), List.of(sub.getValue().getCommandSpec().usageMessage().footer()));
            }
        }
        assertEquals(List.of("", "list", "bind", "unbind", "info", "copy", "crc", "compare", "selftest", "bench", "try", "completion"),
                List.copyOf(lines.keySet()));
        return lines;
    }

    /** The arguments after {@code dmactl} of an example line, empty for a line that is no example. */
    static Optional<List<String>> example(String line) {
        if (!line.startsWith("  ")) {
            return Optional.empty();
        }
        String text = line.strip();
        for (String prefix : List.of("sudo ", "./")) {
            if (text.startsWith(prefix)) {
                text = text.substring(prefix.length());
            }
        }
        if (text.startsWith("source <(") && text.indexOf(')') > 0) {
            text = text.substring("source <(".length(), text.indexOf(')'));
        }
        if (!text.equals("dmactl") && !text.startsWith("dmactl ")) {
            return Optional.empty();
        }
        String command = text.split(" \\| | > | {2,}")[0].strip();
        List<String> words = List.of(command.split(" +"));
        return Optional.of(words.subList(1, words.size()));
    }

    private void checkParses(String command, List<String> args) {
        ParseResult result;
        try {
            result = Dmactl.commandLine(host).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError("example 'dmactl " + String.join(" ", args) + "' does not parse: " + e.getMessage(), e);
        }
        String parsedCommand = result.hasSubcommand() ? result.subcommand().commandSpec().name() : "";
        if (!command.isEmpty()) {
            assertEquals(command, parsedCommand, () -> "example 'dmactl " + String.join(" ", args) + "' in the help of " + command);
        }
    }

    private static void checkFitsTheTestbed(List<String> args) {
        for (String arg : args) {
            Matcher matcher = PCI_ADDRESS.matcher(arg);
            while (matcher.find()) {
                String address = matcher.group(1).length() == 7 ? "0000:" + matcher.group(1) : matcher.group(1);
                assertTrue(TESTBED_DEVICES.contains(address), () -> "example 'dmactl " + String.join(" ", args)
                        + "' names " + address + ", which the testbed does not have");
                if (matcher.group(2) != null && matcher.group(2).startsWith("/dev")) {
                    assertTrue(DEVICES_WITH_ENGINE_MEMORY.contains(address), () -> "example 'dmactl " + String.join(" ", args)
                            + "' names engine memory of " + address + ", which has none on the testbed");
                }
            }
        }
        int size = args.indexOf("--size");
        if (size >= 0 && String.join(" ", args).contains(EDU + "/dev")) {
            long bytes = ByteCount.parse(args.get(size + 1), "--size");
            assertTrue(bytes <= EDU_BUFFER_BYTES, () -> "example 'dmactl " + String.join(" ", args) + "': edu moves at most "
                    + EDU_BUFFER_BYTES + " bytes");
        }
    }

    private static void assertThrowsAssertion(Runnable check) {
        try {
            check.run();
        } catch (AssertionError expected) {
            return;
        }
        fail("the check accepted a wrong example");
    }
}
