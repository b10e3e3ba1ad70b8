package io.dmactl.testbed.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dmactl.testbed.ByteChecks;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code dmactl}: the repository's launcher script run as a process of its own in the
 * guest, as a user runs it, so what lies around the command line is exercised too: finding the
 * JDK, the jar's native access grant, the class data sharing archive in a read-only tree (the
 * guest sees the host's checkout read-only; Maven built {@code cli/target/dmactl.jar} on the host
 * before the guest booted) and the process's exit status. Each run is checked on its exit code,
 * its stdout (JSON, parsed independently) and its stderr.
 * It writes the edu buffer and the nvme namespace's first 16 KiB (no other test keeps data there).
 */
@Tag("testbed")
class DmactlLauncherInGuestTest {

    private static final String EDU = TestbedEnvironment.eduPci();
    private static final String IVSHMEM = TestbedEnvironment.ivshmemPci();
    private static final String NVME = TestbedEnvironment.nvmePci();
    private static final String EDU_ENGINE = "edu@" + EDU;
    private static final String NVME_ENGINE = "nvme@" + NVME;
    /** No PCI function of the guest's has this address. */
    private static final String ABSENT = "0000:00:1e.0";
    private static final long TIMEOUT_SECONDS = 180;

    private static Path launcher;
    private static Path scratch;

    private record Run(List<String> args, int exitCode, String out, String err) {
        JsonObject json() {
            return JsonParser.parseString(out).getAsJsonObject();
        }

        @Override
        public String toString() {
            return "dmactl " + String.join(" ", args) + ": exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    @BeforeAll
    static void findTheLauncher() throws IOException {
        // Maven runs the guest tests in testbed/; the launcher is at the top of the checkout.
        Path directory = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (directory != null && !(Files.isRegularFile(directory.resolve("dmactl"))
                && Files.isRegularFile(directory.resolve("cli/pom.xml")))) {
            directory = directory.getParent();
        }
        assertNotNull(directory, "no dmactl checkout above " + System.getProperty("user.dir"));
        launcher = directory.resolve("dmactl");
        assertTrue(Files.isExecutable(launcher), launcher + " is not executable");
        Path target = directory.resolve("cli/target");
        assertTrue(Files.isRegularFile(target.resolve("dmactl.jar")), "no " + target.resolve("dmactl.jar")
                + ": the testbed module depends on the cli, so Maven packages it before the guest runs");
        // What these tests are about: the launcher must not need to write into the checkout.
        assertFalse(Files.isWritable(target), target + " is writable in the guest: the testbed shares the host's tree read-only");
        scratch = Files.createTempDirectory("dmactl-launcher");
    }

    private static Run dmactl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("dmactl " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        return new Run(List.of(args), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void listShowsEduIvshmemAndNvmeWithTheirProviders() throws Exception {
        Run run = dmactl("list", "--all", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.err(), run::toString);
        JsonObject listing = run.json();
        assertTrue(listing.get("iommuPresent").getAsBoolean(), run::toString);
        Map<String, JsonObject> devices = new HashMap<>();
        for (JsonElement device : listing.getAsJsonArray("devices")) {
            devices.put(device.getAsJsonObject().get("address").getAsString(), device.getAsJsonObject());
        }
        assertDevice(devices, EDU, "1234:11e8", "edu", run);
        assertDevice(devices, NVME, "1b36:0010", "nvme", run);
        assertDevice(devices, IVSHMEM, "1af4:1110", null, run);
        List<String> providers = listing.getAsJsonArray("providers").asList().stream().map(JsonElement::getAsString).toList();
        assertTrue(providers.containsAll(List.of("cpu", "edu", "nvme")), run::toString);
    }

    private static void assertDevice(Map<String, JsonObject> devices, String address, String ids, String provider, Run run) {
        JsonObject device = devices.get(address);
        assertNotNull(device, () -> address + " missing: " + run);
        assertEquals(ids, device.get("ids").getAsString(), run::toString);
        assertEquals("vfio-pci", device.get("driver").getAsString(), run::toString);
        if (provider == null) {
            assertTrue(device.get("provider").isJsonNull(), () -> address + " has no provider: " + run);
        } else {
            assertEquals(provider, device.get("provider").getAsString(), run::toString);
        }
    }

    @Test
    void copiesHostMemoryIntoTheEduBufferVerified() throws Exception {
        Run run = dmactl("copy", "mem:4000", EDU + "/dev", "--verify", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.err(), run::toString);
        JsonObject report = run.json();
        assertEquals(EDU_ENGINE, report.get("engine").getAsString(), run::toString);
        assertEquals("success", report.get("status").getAsString(), run::toString);
        assertEquals(4000, report.get("lengthBytes").getAsLong(), run::toString);
        assertTrue(report.get("verified").getAsBoolean(), run::toString);
        assertTrue(report.get("reason").isJsonNull(), run::toString);
    }

    @Test
    void anUnknownDeviceIsExit3OnOneLineAndTouchesNothing() throws Exception {
        byte[] data = ByteChecks.pattern(3000, 0x1a0c);
        Path in = Files.write(scratch.resolve("in.bin"), data);
        Run write = dmactl("copy", "file:" + in, EDU + "/dev+0x40", "--verify", "--json");
        assertEquals(0, write.exitCode(), write::toString);
        assertTrue(write.json().get("verified").getAsBoolean(), write::toString);

        // Into the edu buffer, from a device the guest does not have: refused before edu is opened.
        Run intoEdu = dmactl("copy", ABSENT + "/bar2", EDU + "/dev+0x40", "--size", "64");
        assertRefusedAsNotFound(intoEdu);
        // Out to a file: the file is not created.
        Path never = scratch.resolve("never.bin");
        Run intoFile = dmactl("copy", ABSENT + "/dev+0", "file:" + never, "--size", "64", "--json");
        assertRefusedAsNotFound(intoFile);
        assertFalse(Files.exists(never), never + " was created by a refused copy");

        Path out = scratch.resolve("out.bin");
        Run read = dmactl("copy", EDU + "/dev+0x40", "file:" + out, "--size", "3000", "--json");
        assertEquals(0, read.exitCode(), read::toString);
        assertEquals("", read.err(), read::toString);
        assertArrayEquals(data, Files.readAllBytes(out), "the edu buffer after the refused copy into it");
    }

    private static void assertRefusedAsNotFound(Run run) {
        assertEquals(3, run.exitCode(), run::toString);
        assertEquals("", run.out(), run::toString);
        String[] lines = run.err().split("\n");
        assertEquals(1, lines.length, run::toString);
        assertTrue(lines[0].startsWith("dmactl copy: ") && lines[0].contains(ABSENT), run::toString);
    }

    @Test
    void infoShowsWhatEachEngineCopiesWithinItsPrivateMemory() throws Exception {
        Run nvme = dmactl("info", NVME, "--json");
        assertEquals(0, nvme.exitCode(), nvme::toString);
        assertEquals("", nvme.err(), nvme::toString);
        JsonObject engine = nvme.json().getAsJsonObject("engine");
        assertEquals(NVME_ENGINE, engine.get("name").getAsString(), nvme::toString);
        // The namespace's Copy limits: MCL 1024 blocks = 8 ranges (MSRC 7) of MSSRL 128, 512-byte blocks.
        assertEquals(1024 * 512, engine.get("maxPrivateCopyBytes").getAsInt(), nvme::toString);
        assertTrue(engine.get("requiresOwnPrivateEnd").getAsBoolean(), nvme::toString);
    }

    @Test
    void selftestCopiesWithinTheNvmeNamespaceAndNotWithinTheEduBuffer() throws Exception {
        Run run = dmactl("selftest", "--provider", "nvme,edu", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.err(), run::toString);
        JsonObject report = run.json();
        assertTrue(report.get("passed").getAsBoolean(), run::toString);
        Map<String, JsonObject> rows = new HashMap<>();
        for (JsonElement result : report.getAsJsonArray("results")) {
            JsonObject row = result.getAsJsonObject();
            rows.put(row.get("engine").getAsString() + " " + row.get("direction").getAsString(), row);
            assertEquals(0, row.get("failures").getAsInt(), row::toString);
        }
        assertEquals(List.of(EDU_ENGINE + " host->dev->host", NVME_ENGINE + " host->dev->dev->host", NVME_ENGINE + " host->dev->host"),
                rows.keySet().stream().sorted().toList(), run::toString);
        JsonObject privateCopy = rows.get(NVME_ENGINE + " host->dev->dev->host");
        // Two cases rounded to 512-byte blocks (4096 and 512 bytes), four ops each: pattern in,
        // guard blocks in, the Copy, read back with the guards.
        assertEquals(2, privateCopy.get("cases").getAsInt(), run::toString);
        assertEquals(8, privateCopy.get("ops").getAsLong(), run::toString);
        assertEquals((4096 + 5120 + 4096 + 5120) + (512 + 1536 + 512 + 1536), privateCopy.get("bytes").getAsLong(), run::toString);
    }
}
