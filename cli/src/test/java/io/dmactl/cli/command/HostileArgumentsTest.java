package io.dmactl.cli.command;

import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.TestProviders;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.output.UserText;
import io.dmactl.provider.cpu.CpuProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #10, defects 4 and 5: hostile values for every numeric option and argument of every
 * subcommand, and hostile text in every place a command echoes an argument. Every run ends
 * with the expected exit code (2 unless the row says otherwise, never 70) and exactly one line
 * on stderr with no control character, DEL, C1 control, bidi override or lone surrogate in it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // per case: a value must not start a long run
class HostileArgumentsTest {

    /** Numbers that overflow, are negative, empty, in other scripts, +-chained, or Java-only spellings. */
    private static final List<String> NUMBERS = List.of(
            "9223372036854775807", "-9223372036854775808", "-1", "0", "9223372036854775808", "18446744073709551615",
            "0x7fffffffffffffff", "0x8000000000000000", "0xffffffffffffffff", "0x10000000000000000", "0x", "0X", "", " ",
            "8191P", "8E", "9223372036854775807K", "8388608T", "16T", "\u0661\u0662\u0663", "\uff11\uff12\uff13",
            "+", "++1", "+-1", "1+1", "4K+", "NaN", "Infinity", "1e3", "10d", "0x1p4", "1.5K", "4KK", "-0");

    /** Extra values for int options: just past an int either way. */
    private static final List<String> INT_EDGES = List.of("2147483648", "-2147483648", "99999999999");

    /** Arguments that would break the line, drive a terminal, or flood it. */
    private static final List<String> TEXTS = List.of(
            "0000:00:02.0\nX", "\u001b[31mred", "\u001b]0;title\u0007", "a\u007fb", "a\u0085b", "a\u009b2Jb",
            "\u202eevil", "a\ud800b", "\r", "\t", "x".repeat(100_000), "\u001b[2J" + "y".repeat(5_000));

    private static final String LONG_MAX = "9223372036854775807";

    @TempDir
    static Path temporary;

    private static HostSystem host;

    @BeforeAll
    static void machine() {
        host = FixtureMachine.q35(temporary).host(List.of(TestProviders.edu(), new CpuProvider()), device -> {
            throw new IllegalStateException("no VFIO question expected about " + device);
        });
    }

    /** One numeric option: the command line around a value, and the values that are well-formed there. */
    private record Numeric(String what, Function<String, String[]> args, Map<String, Integer> wellFormed, List<String> extra) {
        Numeric(String what, Function<String, String[]> args, Map<String, Integer> wellFormed) {
            this(what, args, wellFormed, List.of());
        }
    }

    private static final int UNAVAILABLE = ExitCodes.UNAVAILABLE; // 00:05.0 and 00:03.0 are not bound to vfio-pci

    static Stream<Arguments> numericOptions() {
        List<Numeric> options = List.of(
                new Numeric("copy SRC mem+OFFSET", v -> a("copy", "mem+" + v, "mem", "--size", "1"), Map.of("0", 0)),
                new Numeric("copy DST mem+OFFSET", v -> a("copy", "mem", "mem+" + v, "--size", "1"), Map.of("0", 0)),
                new Numeric("copy SRC mem:SIZE", v -> a("copy", "mem:" + v, "mem"), Map.of()),
                new Numeric("copy SRC mem:SIZE+OFFSET", v -> a("copy", "mem:" + v + "+" + v, "mem"), Map.of()),
                new Numeric("copy --size", v -> a("copy", "mem", "mem", "--size", v), Map.of()),
                new Numeric("copy --size after a large offset", v -> a("copy", "mem+0x7ffffffffffff000", "mem", "--size", v), Map.of()),
                new Numeric("copy --size into a sized buffer", v -> a("copy", "mem", "mem:4K+4095", "--size", v), Map.of()),
                new Numeric("copy DST BAR offset", v -> a("copy", "mem", "0000:00:05.0/bar2+" + v, "--size", "1"),
                        Map.of("0", UNAVAILABLE)),
                new Numeric("copy --size from a BAR", v -> a("copy", "0000:00:05.0/bar2+1", "mem", "--size", v), Map.of()),
                new Numeric("copy DST private offset", v -> a("copy", "mem", "0000:00:03.0/dev+" + v, "--size", "1"),
                        Map.of("0", UNAVAILABLE, LONG_MAX, UNAVAILABLE, "0x7fffffffffffffff", UNAVAILABLE, "16T", UNAVAILABLE)),
                new Numeric("copy SRC ADDR", v -> a("copy", "0000:00:" + v + ".0/bar2", "mem", "--size", "1"), Map.of()),
                new Numeric("bench --sizes", v -> a("bench", "--provider", "cpu", "--duration", "1ms", "--sizes", v), Map.of()),
                new Numeric("bench --sizes list", v -> a("bench", "--provider", "cpu", "--duration", "1ms", "--sizes", "64," + v),
                        Map.of("", 0)), // "64," is 64: picocli's split drops a trailing empty value
                new Numeric("bench --batch", v -> a("bench", "--provider", "cpu", "--duration", "1ms", "--sizes", "64", "--batch", v),
                        Map.of(), INT_EDGES),
                new Numeric("bench --depth", v -> a("bench", "--provider", "cpu", "--duration", "1ms", "--sizes", "64", "--depth", v),
                        Map.of(), INT_EDGES),
                new Numeric("bench --duration", v -> a("bench", "--provider", "cpu", "--sizes", "64", "--duration", v),
                        Map.of(), INT_EDGES),
                new Numeric("selftest --window offset", v -> a("selftest", "--provider", "cpu", "--window", "0000:00:05.0/bar2+" + v),
                        Map.of("0", UNAVAILABLE)),
                new Numeric("selftest --window BAR", v -> a("selftest", "--provider", "cpu", "--window", "0000:00:05.0/bar" + v),
                        Map.of("0", UNAVAILABLE, "1+1", ExitCodes.NOT_FOUND)), // bar1+0x1: ivshmem has no BAR1
                new Numeric("try --timeout", v -> a("try", "--timeout", v), Map.of(), INT_EDGES),
                new Numeric("crc --size", v -> a("crc", "mem", "--size", v), Map.of()),
                new Numeric("crc LOCATION mem+OFFSET", v -> a("crc", "mem+" + v, "--size", "1"), Map.of("0", 0)),
                new Numeric("crc --seed", v -> a("crc", "mem", "--size", "64", "--seed", v), Map.of("0", 0)),
                new Numeric("compare --size", v -> a("compare", "mem", "mem", "--size", v), Map.of()),
                new Numeric("compare B mem+OFFSET", v -> a("compare", "mem", "mem+" + v, "--size", "1"), Map.of("0", 0)),
                new Numeric("info ADDR", v -> a("info", v), Map.of()),
                new Numeric("info ADDR function", v -> a("info", "0000:00:05." + v), Map.of("0", 0)),
                new Numeric("bind ADDR", v -> a("bind", v), Map.of()),
                new Numeric("unbind ADDR", v -> a("unbind", "00:" + v + ".0"), Map.of()));
        List<Arguments> cases = new ArrayList<>();
        for (Numeric option : options) {
            List<String> values = new ArrayList<>(NUMBERS);
            values.addAll(option.extra());
            for (String value : values) {
                int expected = option.wellFormed().getOrDefault(value, ExitCodes.USAGE);
                cases.add(Arguments.of(option.what() + " " + UserText.quote(value), expected, option.args().apply(value)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("numericOptions")
    void hostileNumbersAreUsageErrorsOnOneLine(String what, int expected, String[] args) {
        CliRun run = CliRun.of(host, args);
        assertEquals(expected, run.exitCode(), () -> what + "\n" + run);
        if (expected == ExitCodes.OK) {
            assertEquals("", run.err(), run::toString);
        } else {
            assertOneCleanLine(run, args);
        }
    }

    /** One place an argument is echoed: the command line around the text, and the exit codes it may end with. */
    private record Echo(String what, Function<String, String[]> args, Set<Integer> codes) {
    }

    static Stream<Arguments> echoedArguments() {
        Set<Integer> usage = Set.of(ExitCodes.USAGE);
        // A path with a lone surrogate cannot be encoded for the file system: a usage error, else not found.
        Set<Integer> pathCodes = Set.of(ExitCodes.USAGE, ExitCodes.NOT_FOUND);
        List<Echo> places = List.of(
                new Echo("dmactl TEXT", v -> a(v), usage),
                new Echo("dmactl --TEXT", v -> a("--" + v), usage),
                new Echo("list TEXT", v -> a("list", v), usage),
                new Echo("list --TEXT", v -> a("list", "--" + v), usage),
                new Echo("list -TEXT", v -> a("list", "-" + v), usage),
                new Echo("completion TEXT", v -> a("completion", v), usage),
                new Echo("info ADDR", v -> a("info", v), usage),
                new Echo("info ADDR --json", v -> a("info", v, "--json"), usage),
                new Echo("bind ADDR", v -> a("bind", v), usage),
                new Echo("bind --driver", v -> a("bind", "0000:00:05.0", "--driver", v), usage),
                new Echo("unbind ADDR", v -> a("unbind", v), usage),
                new Echo("copy SRC", v -> a("copy", v, "mem", "--size", "1"), usage),
                new Echo("copy DST", v -> a("copy", "mem", v, "--size", "1"), usage),
                new Echo("copy SRC with an offset", v -> a("copy", "mem+" + v, "mem", "--size", "1"), usage),
                new Echo("copy DST ADDR/", v -> a("copy", "mem", v + "/bar2", "--size", "1"), usage),
                new Echo("copy DST ADDR/part", v -> a("copy", "mem", "0000:00:05.0/" + v, "--size", "1"), usage),
                new Echo("copy DST ADDR/dev:NAME", v -> a("copy", "mem", "0000:00:03.0/dev:" + v, "--size", "1"), usage),
                new Echo("copy --size", v -> a("copy", "mem", "mem", "--size", v), usage),
                new Echo("copy --provider", v -> a("copy", "mem", "mem", "--size", "1", "--provider", v), Set.of(ExitCodes.NOT_FOUND)),
                new Echo("copy file: SRC", v -> a("copy", "file:" + temporary + "/" + v, "mem"), pathCodes),
                new Echo("copy file: DST", v -> a("copy", "mem", "file:" + temporary.resolve("absent").resolve("x").toString() + v,
                        "--size", "1"), pathCodes),
                new Echo("crc LOCATION", v -> a("crc", v, "--size", "1"), usage),
                new Echo("crc --seed", v -> a("crc", "mem", "--size", "1", "--seed", v), usage),
                new Echo("compare A", v -> a("compare", v, "mem", "--size", "1"), usage),
                new Echo("compare --provider", v -> a("compare", "mem", "mem", "--size", "1", "--provider", v), Set.of(ExitCodes.NOT_FOUND)),
                new Echo("selftest --window", v -> a("selftest", "--provider", "cpu", "--window", v), usage),
                new Echo("selftest --provider", v -> a("selftest", "--provider", v), Set.of(ExitCodes.NOT_FOUND)),
                new Echo("bench --provider", v -> a("bench", "--provider", v, "--duration", "1ms"), Set.of(ExitCodes.NOT_FOUND)),
                new Echo("bench --sizes", v -> a("bench", "--provider", "cpu", "--sizes", v), usage),
                new Echo("bench --duration", v -> a("bench", "--provider", "cpu", "--duration", v), usage),
                new Echo("bench --batch", v -> a("bench", "--provider", "cpu", "--batch", v), usage),
                new Echo("bench --path", v -> a("bench", "--provider", "cpu", "--duration", "1ms", "--path", v), usage),
                new Echo("bench --chart", v -> a("bench", "--provider", "cpu", "--duration", "1ms", "--chart", v), usage),
                new Echo("bench --chart in a missing directory", v -> a("bench", "--provider", "cpu", "--duration", "1ms",
                        "--chart", temporary.resolve("absent") + "/" + v + ".svg"), pathCodes),
                new Echo("try --timeout", v -> a("try", "--timeout", v), usage));
        List<Arguments> cases = new ArrayList<>();
        for (Echo place : places) {
            for (String text : TEXTS) {
                cases.add(Arguments.of(place.what() + " " + UserText.quote(text), place.codes(), place.args().apply(text)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("echoedArguments")
    void hostileTextIsEchoedEscapedOnOneLine(String what, Set<Integer> codes, String[] args) {
        CliRun run = CliRun.of(host, args);
        assertTrue(codes.contains(run.exitCode()), () -> what + ": expected one of " + codes + "\n" + run);
        assertOneCleanLine(run, args);
    }

    /** An argument @FILE is that text, not the contents of FILE (picocli's default; @/dev/zero never ended). */
    @Test
    void anArgumentStartingWithAtIsNotReadFromAFile() throws Exception {
        Path arguments = Files.writeString(temporary.resolve("arguments"), "0000:00:05.0\n");
        CliRun run = CliRun.of(host, "info", "@" + arguments);
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("bad PCI address '@" + arguments + "'"), run::toString);
        assertOneCleanLine(run, new String[] {"info", "@" + arguments});
        CliRun copy = CliRun.of(host, "copy", "@/dev/zero", "mem", "--size", "1");
        assertEquals(ExitCodes.USAGE, copy.exitCode(), copy::toString);
        assertTrue(copy.err().contains("bad location '@/dev/zero'"), copy::toString);
    }

    /** "--provider ," was an empty list, which means every provider: every device engine opened (and reset). */
    @Test
    void aProviderListThatNamesNothingIsRefused() {
        for (String command : List.of("bench", "selftest")) {
            for (String list : List.of(",", ",,,")) {
                String[] args = {command, "--provider", list, "--duration", "1ms", "--sizes", "64"};
                CliRun run = CliRun.of(host, command.equals("bench") ? args : Arrays.copyOf(args, 3));
                assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
                assertEquals("dmactl " + command + ": --provider '" + list + "' names no provider; give e.g. --provider cpu"
                        + " or --provider cpu,edu, or leave it out for all\n", run.err());
            }
        }
    }

    /**
     * stderr is one line, {@code dmactl...: message\n}, with no control character but the final
     * newline, no DEL, C1, format character or lone surrogate; a long argument is cut (and the
     * line says so where it shows a part of it) rather than echoed whole; nothing on stdout.
     */
    private static void assertOneCleanLine(CliRun run, String[] args) {
        String err = run.err();
        assertTrue(err.startsWith("dmactl"), run::toString);
        assertTrue(err.endsWith("\n") && err.indexOf('\n') == err.length() - 1, () -> "not exactly one line:\n" + run);
        String line = err.substring(0, err.length() - 1);
        line.codePoints().forEach(c -> assertFalse(UserText.isUnsafe(c),
                () -> "raw U+" + Integer.toHexString(c) + " on stderr: " + UserText.quote(line)));
        assertFalse(err.contains("internal error"), run::toString);
        assertEquals("", run.out(), run::toString);
        boolean longArgument = Arrays.stream(args).anyMatch(arg -> arg.length() > 1_000);
        if (longArgument) {
            assertTrue(line.length() < 2_000, () -> "a long argument was echoed whole: " + line.length() + " characters");
            if (line.contains("x".repeat(100)) || line.contains("y".repeat(100))) {
                assertTrue(line.contains("cut"), () -> "a long argument was cut without saying so: " + line);
            }
        }
    }

    private static String[] a(String... args) {
        return args;
    }
}
