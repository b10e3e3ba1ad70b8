package io.dmactl.cli.command;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.TestProviders;
import io.dmactl.cli.host.EngineInspector;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.host.VfioInspector;
import io.dmactl.cli.host.VfioReport;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.vfio.DeviceInfo;
import io.dmactl.vfio.IommuInfo;
import io.dmactl.vfio.IovaRange;
import io.dmactl.vfio.IrqInfo;
import io.dmactl.vfio.RegionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoCommandTest {

    // VFIO ABI flag bits (linux/vfio.h): device PCI|RESET, region READ|WRITE|MMAP, IRQ EVENTFD|MASKABLE|AUTOMASKED.
    private static final int DEVICE_PCI_RESET = 0x2 | 0x1;
    private static final int REGION_RWM = 0x1 | 0x2 | 0x4;
    private static final int REGION_RW = 0x1 | 0x2;
    private static final int IRQ_EVENTFD_MASKABLE = 0x1 | 0x2;

    private static final VfioInspector NO_VFIO = device -> {
        throw new AssertionError("info must not open VFIO for a device not bound to vfio-pci");
    };

    @TempDir
    Path temporary;

    @Test
    void showsIdsDriverGroupBarsAndProviderOfADevice() {
        HostSystem host = FixtureMachine.q35(temporary).host(List.of(TestProviders.edu()), NO_VFIO);
        CliRun run = CliRun.of(host, "info", "00:03.0");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertEquals("""
                0000:00:03.0  1234:11e8  Unclassified device (class 0x00ff00, rev 16)
                  subsystem    1af4:1100
                  driver       none
                  NUMA node    -
                  IOMMU group  2, viable; members: 0000:00:03.0 (no driver)
                  provider     edu
                  host use     none found

                BARs:
                  BAR  START               SIZE  FLAGS
                  0    0x00000000fea00000  1M    mem 32-bit

                VFIO: not bound to vfio-pci (dmactl bind 0000:00:03.0 binds it)
                """, run.out());
    }

    @Test
    void infoDoesNotSuggestABindThatBindWouldRefuse() {
        HostSystem host = FixtureMachine.q35(temporary).host(List.of(TestProviders.edu()), NO_VFIO);
        // 00:1f.3 shares the ICH9 group with devices the host drives (lpc_ich, ahci): bind refuses it.
        CliRun ich9 = CliRun.of(host, "info", "0000:00:1f.3");
        assertEquals(ExitCodes.OK, ich9.exitCode(), ich9::toString);
        String vfioLine = ich9.out().lines().filter(line -> line.startsWith("VFIO:")).findFirst().orElseThrow();
        assertTrue(vfioLine.contains("'dmactl bind' would refuse") && vfioLine.contains("also holds devices bound to host drivers")
            && !vfioLine.contains("binds it"), vfioLine);
        CliRun bind = CliRun.of(host, "bind", "0000:00:1f.3");
        assertEquals(ExitCodes.REFUSED, bind.exitCode(), bind::toString);

        // Without an IOMMU there is no group: bind to vfio-pci refuses, and info says so.
        HostSystem vm = FixtureMachine.noIommu(temporary.resolve("vm")).host(List.of(), NO_VFIO);
        CliRun noGroup = CliRun.of(vm, "info", "0000:00:01.0");
        assertEquals(ExitCodes.OK, noGroup.exitCode(), noGroup::toString);
        String line = noGroup.out().lines().filter(l -> l.startsWith("VFIO:")).findFirst().orElseThrow();
        assertTrue(line.contains("'dmactl bind' would refuse") && line.contains("no IOMMU group"), line);
    }

    @Test
    void jsonCarriesTheSameFacts() {
        HostSystem host = FixtureMachine.q35(temporary).host(List.of(TestProviders.edu()), NO_VFIO);
        CliRun run = CliRun.of(host, "info", "0000:00:05.0", "--json");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        JsonObject info = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals("1af4:1110", info.get("ids").getAsString());
        assertEquals(4, info.get("iommuGroup").getAsInt());
        assertEquals(2, info.getAsJsonArray("bars").size());
        JsonObject bar2 = info.getAsJsonArray("bars").get(1).getAsJsonObject();
        assertEquals(2, bar2.get("index").getAsInt());
        assertEquals(4 << 20, bar2.get("sizeBytes").getAsLong());
        assertTrue(info.get("provider").isJsonNull());
        assertTrue(info.get("vfio").isJsonNull());
        assertTrue(info.get("vfioUnavailable").getAsString().startsWith("not bound to vfio-pci"));
    }

    @Test
    void namesTheHostsUseOfADevice() {
        FixtureMachine machine = FixtureMachine.q35(temporary);
        machine.addBlockDevice("0000:00:04.0", "nvme/nvme0/nvme0n1", "259:0");
        machine.mount("259:0", "/dev/nvme0n1", "/data");
        CliRun run = CliRun.of(machine.host(List.of(), NO_VFIO), "info", "0000:00:04.0");
        assertTrue(run.out().contains("\n  host use     block device nvme0n1 is mounted on /data\n"), run.out());
    }

    @Test
    void aVfioBoundDeviceShowsRegionsIrqsAndTheValidIovaRanges() {
        FixtureMachine machine = FixtureMachine.q35(temporary);
        List<String> inspected = new ArrayList<>();
        VfioInspector vfio = device -> {
            inspected.add(device.address().toString());
            return new VfioReport(new DeviceInfo(DEVICE_PCI_RESET, 9, 5),
                    List.of(new RegionInfo(0, 1 << 20, 0, REGION_RWM, List.of()),
                            new RegionInfo(1, 0, 0x10000000000L, 0, List.of()),
                            new RegionInfo(7, 4096, 0x70000000000L, REGION_RW, List.of())),
                    List.of(new IrqInfo(0, 1, IRQ_EVENTFD_MASKABLE | 0x4), new IrqInfo(1, 1, 0x1 | 0x8),
                            new IrqInfo(2, 0, 0x1 | 0x2)),
                    new IommuInfo(0x40201000L, List.of(new IovaRange(0, 0xfedfffffL),
                            new IovaRange(0xfef00000L, 0x7fffffffffL)), OptionalLong.of(65535)));
        };
        EngineCapabilities capabilities = EngineCapabilities.builder().ops(DmaOpKind.COPY)
                .directions(Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV)
                .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW, LocationKind.DEVICE_PRIVATE)
                .maxTransferBytes(4095).dmaMaskBits(28).ringSize(2).interrupts(true).inOrderCompletion(true)
                .requiresOwnPrivateEnd(true).maxPrivateCopyBytes(0).build();
        EngineInspector engines = (device, provider) -> new EngineInfo("edu@" + device.address(), provider.name(),
                Optional.of(device.address().toString()), capabilities,
                List.of(LocationInternals.newPrivateSpace("buffer", "edu@" + device.address(), 1, 4095, 1)), 0, Optional.empty());
        HostSystem host = machine.host(List.of(TestProviders.edu()), vfio, engines);
        assertEquals(ExitCodes.OK, CliRun.of(host, "bind", "0000:00:03.0").exitCode());

        CliRun run = CliRun.of(host, "info", "0000:00:03.0");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertEquals(List.of("0000:00:03.0"), inspected);
        String vfioPart = run.out().substring(run.out().indexOf("VFIO"));
        assertEquals("""
                VFIO (/dev/vfio/2): PCI device, can reset
                  REGION  NAME    SIZE  OFFSET         ACCESS  SPARSE MMAP
                  0       BAR0    1M    0x0            rwm     -
                  7       config  4K    0x70000000000  rw-     -
                  IRQ  NAME   VECTORS  FLAGS
                  0    INTx   1        eventfd maskable automasked
                  1    MSI    1        eventfd
                  2    MSI-X  0        eventfd maskable
                IOMMU page sizes: 4K 2M 1G
                Valid IOVA ranges: 0x0-0xfedfffff, 0xfef00000-0x7fffffffff
                DMA mappings available: 65535

                Engine edu@0000:00:03.0 (provider edu, hardware, iova addressing)
                  ops          copy
                  directions   mem-to-dev dev-to-mem dev-to-dev
                  reaches      host-memory device-window device-private
                  max transfer 4095 bytes, alignment 1, DMA mask 28 bits, 1 SG entries
                  channels     1 x ring 2, interrupts, in order
                  private copy none (nothing is copied from private memory to private memory)
                  ends         every op has one end in this engine's private memory
                  private      buffer: 4095 bytes, granularity 1 (as a location: 0000:00:03.0/dev:buffer+0)
                """, vfioPart);

        JsonObject json = JsonParser.parseString(CliRun.of(host, "info", "0000:00:03.0", "--json").out()).getAsJsonObject();
        JsonObject section = json.getAsJsonObject("vfio");
        assertEquals("0xfef00000", section.getAsJsonArray("validIovaRanges").get(1).getAsJsonObject().get("start").getAsString());
        assertEquals(3, section.getAsJsonArray("regions").size(), "JSON keeps the empty regions too");
        assertTrue(json.get("vfioUnavailable").isJsonNull());
        JsonObject engine = json.getAsJsonObject("engine");
        assertEquals(28, engine.get("dmaMaskBits").getAsInt());
        assertEquals(0, engine.get("maxPrivateCopyBytes").getAsInt());
        assertTrue(engine.get("requiresOwnPrivateEnd").getAsBoolean());
        assertEquals("buffer", engine.getAsJsonArray("privateSpaces").get(0).getAsJsonObject().get("name").getAsString());
        assertTrue(json.get("engineUnavailable").isJsonNull());
    }

    @Test
    void everyCapabilityTheEngineDeclaresIsShownAndAPrivateCopyLimitInText() {
        FixtureMachine machine = FixtureMachine.q35(temporary);
        VfioInspector vfio = device -> new VfioReport(new DeviceInfo(DEVICE_PCI_RESET, 9, 5), List.of(), List.of(),
                new IommuInfo(0x1000L, List.of(), OptionalLong.empty()));
        // Like the testbed's nvme namespace: a Copy moves at most 1024 blocks of 512 bytes.
        EngineCapabilities capabilities = EngineCapabilities.builder().ops(DmaOpKind.COPY)
                .directions(Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV)
                .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW, LocationKind.DEVICE_PRIVATE)
                .maxTransferBytes(1 << 19).maxPrivateCopyBytes(524_288).alignmentBytes(4).requiresOwnPrivateEnd(true)
                .build();
        EngineInspector engines = (device, provider) -> new EngineInfo("nvme@" + device.address(), provider.name(),
                Optional.of(device.address().toString()), capabilities,
                List.of(LocationInternals.newPrivateSpace("ns1", "nvme@" + device.address(), 1, 64L << 20, 512)), 0, Optional.empty());
        HostSystem host = machine.host(List.of(TestProviders.edu()), vfio, engines);
        assertEquals(ExitCodes.OK, CliRun.of(host, "bind", "0000:00:03.0").exitCode());

        CliRun text = CliRun.of(host, "info", "0000:00:03.0");
        assertEquals(ExitCodes.OK, text.exitCode(), text::toString);
        assertTrue(text.out().contains("\n  private copy within private memory, up to 524288 bytes per op (longer ones are split)\n"),
                text.out());
        JsonObject engine = JsonParser.parseString(CliRun.of(host, "info", "0000:00:03.0", "--json").out())
                .getAsJsonObject().getAsJsonObject("engine");
        assertEquals(524_288, engine.get("maxPrivateCopyBytes").getAsInt());
        // A component added to EngineCapabilities later must reach info too: this fails until it does.
        for (RecordComponent component : EngineCapabilities.class.getRecordComponents()) {
            assertTrue(engine.has(component.getName()), () -> component.getName() + " missing from info --json: " + engine);
        }
    }

    @Test
    void whenVfioCannotBeAskedItSaysWhyAndStillShowsTheRest() {
        FixtureMachine machine = FixtureMachine.q35(temporary);
        HostSystem host = machine.host(List.of(), device -> {
            throw new IllegalStateException("open(/dev/vfio/vfio) failed: ENOENT (2) No such file or directory");
        });
        assertEquals(ExitCodes.OK, CliRun.of(host, "bind", "0000:00:03.0").exitCode());
        CliRun run = CliRun.of(host, "info", "0000:00:03.0");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("  driver       vfio-pci (driver_override vfio-pci)\n"), run.out());
        assertTrue(run.out().endsWith("VFIO: open(/dev/vfio/vfio) failed: ENOENT (2) No such file or directory\n"), run.out());
        JsonObject json = JsonParser.parseString(CliRun.of(host, "info", "0000:00:03.0", "--json").out()).getAsJsonObject();
        assertEquals("no provider drives 1234:11e8", json.get("engineUnavailable").getAsString());
    }

    @Test
    void anUnknownDeviceIsOneLineAndExit3() {
        HostSystem host = FixtureMachine.q35(temporary).host(List.of(), NO_VFIO);
        CliRun run = CliRun.of(host, "info", "0000:00:09.0");
        assertEquals(ExitCodes.NOT_FOUND, run.exitCode());
        assertEquals(1, run.errLines().length, run::toString);
        assertTrue(run.err().startsWith("dmactl info: no PCI device 0000:00:09.0: "), run.err());
        assertTrue(run.err().contains("dmactl list --all shows the devices present"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void aMalformedAddressIsAUsageErrorNamingIt() {
        HostSystem host = FixtureMachine.q35(temporary).host(List.of(), NO_VFIO);
        CliRun run = CliRun.of(host, "info", "00:3.0");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals(1, run.errLines().length, run::toString);
        assertTrue(run.err().contains("bad PCI address '00:3.0'") && run.err().contains("e.g. 0000:00:03.0"), run.err());
    }
}
