package io.dmactl.cli.command;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.TestProviders;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.host.VfioInspector;
import io.dmactl.provider.cpu.CpuProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListCommandTest {

    private static final VfioInspector NO_VFIO = device -> {
        throw new AssertionError("list never opens VFIO");
    };

    @TempDir
    Path temporary;

    private HostSystem q35() {
        return FixtureMachine.q35(temporary).host(
                List.of(TestProviders.edu(), TestProviders.nvme(), new CpuProvider()), NO_VFIO);
    }

    @Test
    void listsTheDevicesAProviderDrivesAndTheSoftwareEngines() {
        CliRun run = CliRun.of(q35(), "list");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        List<String> lines = List.of(run.out().split("\n"));
        assertEquals("ADDRESS       IDS        CLASS                           DRIVER  IOMMU GROUP  PROVIDER", lines.get(0));
        assertEquals("0000:00:03.0  1234:11e8  Unclassified device             -       2 viable     edu", lines.get(1));
        assertEquals("0000:00:04.0  1b36:0010  Non-volatile memory controller  nvme    3 viable     nvme", lines.get(2));
        assertEquals("0000:01:00.0  1b36:0010  Non-volatile memory controller  nvme    5 viable     nvme", lines.get(3));
        assertEquals("", lines.get(4));
        assertEquals("Software engines: cpu", lines.get(5));
        assertEquals(6, lines.size(), run::toString);
        assertEquals("", run.err());
    }

    @Test
    void allListsEveryFunctionWithItsGroupsViability() {
        CliRun run = CliRun.of(q35(), "list", "--all");
        assertEquals(ExitCodes.OK, run.exitCode());
        assertTrue(run.out().contains("\n0000:00:02.0  8086:10d3  Ethernet controller "), run.out());
        String sata = lineStartingWith(run.out(), "0000:00:1f.2");
        assertTrue(sata.contains("ahci") && sata.contains("6 not viable") && sata.endsWith("-"), sata);
        assertEquals(13, run.out().split("\n").length, "header, 10 functions, blank, engines:\n" + run.out());
    }

    @Test
    void verboseNamesTheDevicesThatBlockAGroup() {
        CliRun run = CliRun.of(q35(), "list", "--all", "-v");
        assertTrue(run.out().startsWith("ADDRESS       IDS        SUBSYSTEM  CLASS"), run.out());
        String sata = lineStartingWith(run.out(), "0000:00:1f.2");
        assertTrue(sata.endsWith("0000:00:1f.0 (lpc_ich), 0000:00:1f.3 (i801_smbus)"), sata);
    }

    @Test
    void jsonHasEveryFieldForScripts() {
        CliRun run = CliRun.of(q35(), "list", "--all", "--json");
        assertEquals(ExitCodes.OK, run.exitCode());
        JsonObject listing = JsonParser.parseString(run.out()).getAsJsonObject();
        assertTrue(listing.get("iommuPresent").getAsBoolean());
        assertEquals("[\"cpu\"]", listing.get("softwareEngines").toString());
        assertEquals("[\"edu\",\"nvme\",\"cpu\"]", listing.get("providers").toString());
        JsonArray devices = listing.getAsJsonArray("devices");
        assertEquals(10, devices.size());
        List<String> addresses = new ArrayList<>();
        devices.forEach(device -> addresses.add(device.getAsJsonObject().get("address").getAsString()));
        assertEquals(List.of("0000:00:00.0", "0000:00:02.0", "0000:00:03.0", "0000:00:04.0", "0000:00:05.0",
                "0000:00:1c.0", "0000:00:1f.0", "0000:00:1f.2", "0000:00:1f.3", "0000:01:00.0"), addresses);
        JsonObject edu = devices.get(2).getAsJsonObject();
        assertEquals("1234:11e8", edu.get("ids").getAsString());
        assertEquals("0x00ff00", edu.get("classCode").getAsString());
        assertTrue(edu.get("driver").isJsonNull());
        assertEquals(2, edu.get("iommuGroup").getAsInt());
        assertTrue(edu.get("groupViable").getAsBoolean());
        assertEquals("edu", edu.get("provider").getAsString());
        JsonObject sata = devices.get(7).getAsJsonObject();
        assertFalse(sata.get("groupViable").getAsBoolean());
        assertEquals("[\"0000:00:1f.0 (lpc_ich)\",\"0000:00:1f.3 (i801_smbus)\"]", sata.get("groupBlockers").toString());
        assertTrue(sata.get("provider").isJsonNull());
    }

    @Test
    void withoutAnIommuItSaysHowToGetOne() {
        HostSystem host = FixtureMachine.noIommu(temporary).host(List.of(new CpuProvider()), NO_VFIO);
        CliRun run = CliRun.of(host, "list", "--all");
        assertEquals(ExitCodes.OK, run.exitCode());
        assertTrue(lineStartingWith(run.out(), "0000:00:01.0").contains("virtio-pci  none"), run.out());
        assertTrue(run.out().contains("No IOMMU is active") && run.out().contains("intel_iommu=on"), run.out());
    }

    @Test
    void withNoProviderItSaysSoAndHowToSeeEverything() {
        HostSystem host = FixtureMachine.q35(temporary).host(List.of(), NO_VFIO);
        CliRun run = CliRun.of(host, "list");
        assertEquals(ExitCodes.OK, run.exitCode());
        assertEquals("""
                No PCI device here is one a DMA provider drives (providers: none). 'dmactl list --all' shows every PCI function.

                Software engines: none (no software provider on the class path)
                """, run.out());
    }

    private static String lineStartingWith(String text, String prefix) {
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("no line starts with " + prefix + " in:\n" + text);
    }
}
