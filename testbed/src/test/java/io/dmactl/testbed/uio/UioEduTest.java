package io.dmactl.testbed.uio;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.device.UioDeviceSource;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.provider.edu.EduProvider;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * edu through uio_pci_generic in the no-IOMMU guest (testbed-run --no-iommu): the runtime refuses
 * it without the opt-in, and with it moves bytes by physical address, byte for byte. Polled: UIO
 * has no MSI.
 */
@Tag("uio")
class UioEduTest {
    private static final long WAIT_SECONDS = 20;

    private static String engine() {
        return "edu@" + TestbedEnvironment.eduPci();
    }

    @Test
    void withoutTheOptInTheUioFunctionIsListedButNotOpened() {
        try (DmaRuntime runtime = DmaRuntime.builder().onlyProviders(EduProvider.NAME)
                 .option(EduProvider.OPTION_COMPLETION, "poll").build()) {
            assertTrue(runtime.engines().stream().noneMatch(e -> e.name().equals(engine())), runtime.engines().toString());
            assertTrue(runtime.diagnostics().stream().anyMatch(d -> d.contains(TestbedEnvironment.eduPci())
                && d.contains(UioDeviceSource.OPT_IN_HINT)), runtime.diagnostics().toString());
        }
    }

    @Test
    void withTheOptInBytesGoThroughEduByPhysicalAddress() throws Exception {
        try (DmaRuntime runtime = DmaRuntime.builder().onlyProviders(EduProvider.NAME)
                 .uioDevicesMayWriteAnywhereInMemory(true)
                 .option(EduProvider.OPTION_COMPLETION, "poll").build();
             DmaBuffer host = runtime.allocate(2 * 4096)) {
            assertEquals(engine(), runtime.engines().getFirst().name(), runtime.diagnostics().toString());
            DevicePrivateSpace edu = runtime.privateSpace(engine(), EduProvider.BUFFER_SPACE);
            for (int[] c : new int[][] {{3333, 100, 700, 4096 + 17}, {4095, 0, 0, 4096}, {1, 4095, 4094, 8191}}) {
                byte[] data = pattern(c[0], c[1] + 7);
                write(host.segment(), c[1], data);
                TransferResult in = runtime.copy(host, c[1], edu, c[2], c[0]).get(WAIT_SECONDS, TimeUnit.SECONDS);
                TransferResult out = runtime.copy(edu, c[2], host, c[3], c[0]).get(WAIT_SECONDS, TimeUnit.SECONDS);
                assertEquals(TransferStatus.SUCCESS, in.status(), in.toString());
                assertEquals(TransferStatus.SUCCESS, out.status(), out.toString());
                assertEquals(engine(), out.engine());
                assertBytes(data, host.segment(), c[3], "host memory after a round trip through edu over UIO " + c[0] + " bytes");
            }
        }
    }

    @Test
    void intxCompletesThroughDevUioAndTheCommandRegisterUnmask() throws Exception {
        try (DmaRuntime runtime = DmaRuntime.builder().onlyProviders(EduProvider.NAME)
                 .uioDevicesMayWriteAnywhereInMemory(true)
                 .option(EduProvider.OPTION_COMPLETION, "intx").build();
             DmaBuffer host = runtime.allocate(4096)) {
            assertEquals(engine(), runtime.engines().getFirst().name(), runtime.diagnostics().toString());
            assertTrue(runtime.engines().getFirst().capabilities().interrupts(), "intx mode declares interrupts");
            DevicePrivateSpace edu = runtime.privateSpace(engine(), EduProvider.BUFFER_SPACE);
            for (int round = 0; round < 3; round++) { // each completion must be unmasked for the next
                byte[] data = pattern(1000 + round, 60 + round);
                write(host.segment(), 8, data);
                TransferResult in = runtime.copy(host, 8, edu, 16, data.length).get(WAIT_SECONDS, TimeUnit.SECONDS);
                host.segment().fill((byte) 0);
                TransferResult out = runtime.copy(edu, 16, host, 100, data.length).get(WAIT_SECONDS, TimeUnit.SECONDS);
                assertEquals(TransferStatus.SUCCESS, in.status(), in.toString());
                assertEquals(TransferStatus.SUCCESS, out.status(), out.toString());
                assertBytes(data, host.segment(), 100, "round " + round + " by INTx over UIO");
            }
        }
    }
}
