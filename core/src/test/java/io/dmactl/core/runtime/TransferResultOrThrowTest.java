package io.dmactl.core.runtime;

import io.dmactl.core.TransferFailedException;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue #15: a device error cannot be ignored by accident. */
class TransferResultOrThrowTest {
    @Test
    void aSuccessIsReturnedAsItIs() {
        TransferResult ok = new TransferResult(TransferStatus.SUCCESS, 0, 64, "cpu", 100);
        assertSame(ok, ok.orThrow());
    }

    @Test
    void anythingElseThrowsNamingStatusCodeAndReasonAndKeepsTheResult() {
        TransferResult failed = new TransferResult(TransferStatus.DEVICE_ERROR, 0x42, 4096, "edu@0000:00:02.0", 100,
            Optional.of("the engine was reset"));
        TransferFailedException e = assertThrows(TransferFailedException.class, failed::orThrow);
        assertSame(failed, e.result());
        assertTrue(e.getMessage().contains("DEVICE_ERROR") && e.getMessage().contains("device code 66")
            && e.getMessage().contains("the engine was reset") && e.getMessage().contains("edu@0000:00:02.0"), e.getMessage());
        for (TransferStatus status : TransferStatus.values()) {
            TransferResult r = new TransferResult(status, 0, 1, "x", 1);
            if (status == TransferStatus.SUCCESS) {
                assertSame(r, r.orThrow());
            } else {
                assertThrows(TransferFailedException.class, r::orThrow, status::toString);
            }
        }
    }
}
