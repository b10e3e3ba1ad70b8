package io.dmactl.testbed.edu;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.provider.edu.EduProvider;
import io.dmactl.testbed.ByteChecks;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.dmactl.testbed.edu.EduTestbed.DMA_WAIT_SECONDS;
import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The runtime with edu in polling mode ({@code edu.completion=poll}): the core's worker polls DMA_COMMAND. */
@Tag("testbed")
class EduPollingRuntimeTest {

    @Test
    void aRoundTripCompletesByPolling() throws Exception {
        try (DmaRuntime runtime = DmaRuntime.builder().onlyProviders(EduProvider.NAME)
                 .option(EduProvider.OPTION_COMPLETION, "poll").build();
             DmaBuffer host = runtime.allocate(2 * 4096)) {
            assertFalse(runtime.engines().getFirst().capabilities().interrupts(), "poll mode declares no interrupts");
            DevicePrivateSpace edu = runtime.privateSpace(EduTestbed.eduEngine(), EduProvider.BUFFER_SPACE);
            byte[] data = pattern(3333, 9);
            write(host.segment(), 100, data);
            TransferResult in = runtime.copy(host, 100, edu, 700, data.length).get(DMA_WAIT_SECONDS, TimeUnit.SECONDS);
            TransferResult out = runtime.copy(edu, 700, host, 4096 + 17, data.length).get(DMA_WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(TransferStatus.SUCCESS, in.status(), in.toString());
            assertEquals(TransferStatus.SUCCESS, out.status(), out.toString());
            assertEquals(EduTestbed.eduEngine(), out.engine());
            assertBytes(data, host.segment(), 4096 + 17, "host memory after a polled round trip");
            System.out.printf("edu round trip by polling: %.1f ms to the device, %.1f ms back%n",
                in.latencyNanos() / 1e6, out.latencyNanos() / 1e6);
        }
    }
}
