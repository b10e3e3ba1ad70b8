package io.dmactl.testbed.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dmactl.cli.Dmactl;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real {@code dmactl list/info/copy/selftest/bench --json} on the guest's devices (edu,
 * ivshmem bound to vfio-pci), run in this JVM through {@link Dmactl#commandLine} on the live
 * machine, and their JSON checked with an independent parser ({@link DmactlLauncherInGuestTest}
 * runs the launcher script itself, as a process of its own).
 * It writes ivshmem BAR2 only from 2 MiB up: below that, other tests leave data there for the
 * host-side checks that run after the guest.
 */
@Tag("testbed")
class DmactlJsonInGuestTest {

    private static final String EDU = TestbedEnvironment.eduPci();
    private static final String IVSHMEM = TestbedEnvironment.ivshmemPci();
    private static final String EDU_ENGINE = "edu@" + EDU;

    private record Run(int exitCode, String out, String err) {
        JsonObject json() {
            return JsonParser.parseString(out).getAsJsonObject();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private static Run dmactl(String... args) {
        CommandLine commandLine = Dmactl.commandLine(HostSystem.live());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return new Run(commandLine.execute(args), out.toString(), err.toString());
    }

    @Test
    void listShowsEduWithItsProviderInAViableGroup() {
        Run run = dmactl("list", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject listing = run.json();
        assertTrue(listing.get("iommuPresent").getAsBoolean(), run::toString);
        JsonObject edu = null;
        for (JsonElement device : listing.getAsJsonArray("devices")) {
            if (device.getAsJsonObject().get("address").getAsString().equals(EDU)) {
                edu = device.getAsJsonObject();
            }
        }
        assertNotNull(edu, run::toString);
        assertEquals("1234:11e8", edu.get("ids").getAsString());
        assertEquals("vfio-pci", edu.get("driver").getAsString());
        assertEquals("edu", edu.get("provider").getAsString());
        assertTrue(edu.get("groupViable").getAsBoolean());
        assertTrue(strings(listing.getAsJsonArray("softwareEngines")).contains("cpu"), run::toString);
    }

    @Test
    void infoShowsTheVfioViewAndWhatTheEduEngineDeclares() {
        Run run = dmactl("info", EDU, "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject report = run.json();
        assertEquals(EDU, report.get("address").getAsString());
        JsonObject vfio = report.getAsJsonObject("vfio");
        assertTrue(vfio.get("pci").getAsBoolean(), run::toString);
        assertFalse(vfio.getAsJsonArray("regions").isEmpty());
        JsonObject engine = report.getAsJsonObject("engine");
        assertEquals(EDU_ENGINE, engine.get("name").getAsString());
        assertEquals(4095, engine.get("maxTransferBytes").getAsInt());
        assertEquals(28, engine.get("dmaMaskBits").getAsInt());
        assertEquals(0, engine.get("maxPrivateCopyBytes").getAsInt(), "edu copies nothing buffer to buffer");
        assertTrue(engine.get("requiresOwnPrivateEnd").getAsBoolean());
        assertEquals(4095, engine.getAsJsonArray("privateSpaces").get(0).getAsJsonObject().get("lengthBytes").getAsLong());
    }

    @Test
    void copiesIntoEduAndOnPeerToPeerIntoIvshmemVerified() {
        Run in = dmactl("copy", "mem:4000", EDU + "/dev", "--verify", "--json");
        assertEquals(0, in.exitCode(), in::toString);
        assertEquals(EDU_ENGINE, in.json().get("engine").getAsString());
        assertEquals("success", in.json().get("status").getAsString());
        assertTrue(in.json().get("verified").getAsBoolean());
        Run peer = dmactl("copy", EDU + "/dev+0x10", IVSHMEM + "/bar2+0x380000", "--size", "3000", "--verify", "--json");
        assertEquals(0, peer.exitCode(), peer::toString);
        assertEquals(EDU_ENGINE, peer.json().get("engine").getAsString());
        assertEquals(3000, peer.json().get("lengthBytes").getAsLong());
        assertTrue(peer.json().get("verified").getAsBoolean(), peer::toString);
    }

    @Test
    void selftestPassesEveryRouteOfCpuAndEduWithTheIvshmemWindow() {
        Run run = dmactl("selftest", "--provider", "cpu,edu", "--window", IVSHMEM + "/bar2+0x200000", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject report = run.json();
        assertTrue(report.get("passed").getAsBoolean(), run::toString);
        assertEquals(List.of("cpu", EDU_ENGINE), strings(report.getAsJsonArray("engines")));
        Map<String, JsonObject> rows = new HashMap<>();
        for (JsonElement result : report.getAsJsonArray("results")) {
            JsonObject row = result.getAsJsonObject();
            rows.put(row.get("engine").getAsString() + " " + row.get("direction").getAsString(), row);
            assertEquals(0, row.get("failures").getAsInt(), row::toString);
        }
        assertEquals(List.of("cpu fill host", "cpu host->host", "cpu host->window", "cpu window->host",
                        EDU_ENGINE + " host->dev->host", EDU_ENGINE + " host->dev->window", EDU_ENGINE + " window->dev->host"),
                rows.keySet().stream().sorted().toList());
        for (String route : List.of("host->dev->host", "window->dev->host", "host->dev->window")) {
            JsonObject row = rows.get(EDU_ENGINE + " " + route);
            assertEquals(2, row.get("cases").getAsInt(), row::toString);
            assertEquals(4, row.get("ops").getAsLong(), row::toString);
            assertEquals(2 * (4000 + 61), row.get("bytes").getAsLong(), row::toString);
        }
        assertEquals(27, rows.get("cpu host->window").get("ops").getAsLong());
    }

    @Test
    void benchMeasuresCpuAndEduClampingEduToItsBuffer() {
        Run run = dmactl("bench", "--provider", "cpu,edu", "--sizes", "64,4K", "--duration", "300ms", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject report = run.json();
        Map<String, JsonObject> points = new HashMap<>();
        for (JsonElement result : report.getAsJsonArray("results")) {
            JsonObject point = result.getAsJsonObject();
            points.put(point.get("engine").getAsString() + " " + point.get("sizeBytes").getAsLong(), point);
            assertTrue(point.get("ops").getAsLong() >= 1, point::toString);
            assertEquals(0, point.get("failedOps").getAsLong(), point::toString);
            assertTrue(point.get("gigabytesPerSecond").getAsDouble() > 0, point::toString);
            assertTrue(point.get("p50Nanos").getAsLong() <= point.get("p999Nanos").getAsLong(), point::toString);
            assertTrue(point.get("baselineRatio").getAsDouble() > 0, point::toString);
        }
        assertEquals(List.of("cpu 4096", "cpu 64", EDU_ENGINE + " 4095", EDU_ENGINE + " 64"),
                points.keySet().stream().sorted().toList(), run::toString);
        JsonObject clamped = points.get(EDU_ENGINE + " 4095");
        assertEquals("host->dev", clamped.get("direction").getAsString());
        assertEquals(4096, clamped.get("requestedBytes").getAsLong());
        assertTrue(strings(report.getAsJsonArray("notes")).stream().anyMatch(note -> note.startsWith(EDU_ENGINE + ": 4K clamped to 4095 bytes")),
                run::toString);
        List<Long> baselineSizes = report.getAsJsonArray("baseline").asList().stream()
                .map(point -> point.getAsJsonObject().get("sizeBytes").getAsLong()).toList();
        assertEquals(List.of(64L, 4095L, 4096L), baselineSizes);
        // Every figure here is the emulator's: edu is QEMU's device, and the guest's CPU is TCG's.
        assertEquals("an emulated device: 1234:11e8, QEMU's vendor id",
                points.get(EDU_ENGINE + " 64").get("emulated").getAsString(), run::toString);
        assertTrue(points.get("cpu 64").get("emulated").getAsString().startsWith("the CPU is emulated (QEMU TCG"), run::toString);
        assertTrue(report.get("virtualMachine").getAsString().startsWith("a virtual machine"), run::toString);
    }

    private static List<String> strings(JsonArray array) {
        return array.asList().stream().map(JsonElement::getAsString).toList();
    }

}
