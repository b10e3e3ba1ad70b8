package io.dmactl.cli.command;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.TestProviders;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.host.VfioInspector;
import io.dmactl.provider.cpu.CpuProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dmactl crc} and {@code dmactl compare}, run in process on the cpu engine, output captured. */
class CrcAndCompareCommandTest {

    private static final VfioInspector NO_VFIO = device -> {
        throw new AssertionError("crc and compare never ask for VFIO info");
    };

    @TempDir
    Path temporary;

    private HostSystem host;
    private Path files;

    @BeforeEach
    void setUp() throws Exception {
        host = FixtureMachine.q35(temporary.resolve("machine")).host(List.of(TestProviders.edu(), new CpuProvider()), NO_VFIO);
        files = Files.createDirectories(temporary.resolve("files"));
    }

    private Path file(String name, byte[] data) throws Exception {
        return Files.write(files.resolve(name), data);
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static long crc(byte[] data, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, from, length);
        return crc.getValue();
    }

    @Test
    void crcOfAFileMatchesJavaUtilZip() throws Exception {
        byte[] data = random(100_000, 1);
        Path in = file("in.bin", data);
        CliRun run = CliRun.of(host, "crc", "file:" + in);
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        String expected = String.format(Locale.ROOT, "%08x", crc(data, 0, data.length));
        assertEquals(expected + "  file:'" + in + "' (100000 bytes, engine cpu)\n", run.out());
        assertEquals("", run.err());
    }

    @Test
    void crcJsonWithASeedContinuesTheCrcOfWhatCameBefore() throws Exception {
        byte[] data = random(10_000, 2);
        Path first = file("first.bin", java.util.Arrays.copyOfRange(data, 0, 4000));
        Path second = file("second.bin", java.util.Arrays.copyOfRange(data, 4000, 10_000));
        long firstCrc = crc(data, 0, 4000);
        CliRun run = CliRun.of(host, "crc", "file:" + second, "--seed", "0x" + Long.toHexString(firstCrc), "--json", "--provider", "cpu");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        JsonObject report = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals(crc(data, 0, 10_000), report.get("crc32c").getAsLong());
        assertEquals(String.format(Locale.ROOT, "%08x", crc(data, 0, 10_000)), report.get("crc32cHex").getAsString());
        assertEquals(firstCrc, report.get("seed").getAsLong());
        assertEquals(6000, report.get("lengthBytes").getAsLong());
        assertEquals("cpu", report.get("engine").getAsString());
        assertEquals("success", report.get("status").getAsString());
        CliRun plain = CliRun.of(host, "crc", "file:" + first);
        assertTrue(plain.out().startsWith(String.format(Locale.ROOT, "%08x ", firstCrc)), plain::toString);
    }

    @Test
    void crcOfPartOfAFileHonoursSize() throws Exception {
        byte[] data = random(8192, 3);
        Path in = file("in.bin", data);
        CliRun run = CliRun.of(host, "crc", "file:" + in, "--size", "4K");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith(String.format(Locale.ROOT, "%08x ", crc(data, 0, 4096))), run.out());
        CliRun tooLong = CliRun.of(host, "crc", "file:" + in, "--size", "16K");
        assertEquals(ExitCodes.USAGE, tooLong.exitCode(), tooLong::toString);
        assertTrue(tooLong.err().contains("run past the end of the file"), tooLong::toString);
    }

    @Test
    void compareSaysIdenticalAndExitsZero() throws Exception {
        byte[] data = random(50_000, 4);
        Path a = file("a.bin", data);
        Path b = file("b.bin", data);
        CliRun run = CliRun.of(host, "compare", "file:" + a, "file:" + b);
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertEquals("identical: file:'" + a + "' and file:'" + b + "' (50000 bytes, engine cpu)\n", run.out());
        CliRun buffers = CliRun.of(host, "compare", "mem", "mem", "--size", "64K");
        assertEquals(ExitCodes.OK, buffers.exitCode(), "two fresh buffers hold the same pattern: " + buffers);
    }

    @Test
    void compareReportsTheFirstDifferingByteAndExitsOne() throws Exception {
        byte[] data = random(50_000, 5);
        Path a = file("a.bin", data);
        data[31_337] ^= 1;
        data[40_000] ^= 1;
        Path b = file("b.bin", data);
        CliRun run = CliRun.of(host, "compare", "file:" + a, "file:" + b);
        assertEquals(ExitCodes.FAILURE, run.exitCode(), run::toString);
        assertEquals("differ: file:'" + a + "' and file:'" + b + "' (50000 bytes, engine cpu) first differ at byte 31337\n", run.out());
        assertEquals("", run.err(), "a difference is an answer, not an error");
        CliRun json = CliRun.of(host, "compare", "file:" + a, "file:" + b, "--json");
        assertEquals(ExitCodes.FAILURE, json.exitCode(), json::toString);
        JsonObject report = JsonParser.parseString(json.out()).getAsJsonObject();
        assertEquals(false, report.get("identical").getAsBoolean());
        assertEquals(31_337, report.get("firstDifferenceOffset").getAsLong());
        assertEquals("success", report.get("status").getAsString());
        CliRun before = CliRun.of(host, "compare", "file:" + a, "file:" + b, "--size", "31337", "--json");
        assertEquals(ExitCodes.OK, before.exitCode(), before::toString);
        JsonObject same = JsonParser.parseString(before.out()).getAsJsonObject();
        assertTrue(same.get("identical").getAsBoolean());
        assertTrue(same.get("firstDifferenceOffset").isJsonNull());
    }

    @Test
    void anEngineWithoutTheOpIsRefusedNamingIt() throws Exception {
        Path a = file("a.bin", random(1000, 6));
        CliRun run = CliRun.of(host, "crc", "file:" + a, "--provider", "edu");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode(), run::toString);
    }

    @Test
    void helpTeachesTheSeedAndTheExitCodes() {
        CliRun crc = CliRun.of(host, "crc", "--help");
        assertEquals(ExitCodes.OK, crc.exitCode(), crc::toString);
        assertTrue(crc.out().contains("java.util.zip.CRC32C") && crc.out().contains("--seed"), crc.out());
        CliRun compare = CliRun.of(host, "compare", "--help");
        assertTrue(compare.out().contains("exits 1") && compare.out().contains("first byte that differs"), compare.out());
    }
}
