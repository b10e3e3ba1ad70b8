package io.dmactl.provider.nvme;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What this driver reads from the Identify Controller data structure (NVMe 1.4, 5.15.2.2,
 * figure 247): SN bytes 4-23, MN 24-63, FR 64-71, MDTS byte 77, NN bytes 516-519, ONCS 520-521.
 *
 * @param maxTransferBytes MDTS in bytes (2^MDTS minimum memory pages), 0 = no limit
 * @param copySupported    ONCS bit 8: the controller supports the Copy command
 */
record ControllerIdentity(String serial, String model, String firmware, long maxTransferBytes, int namespaces,
                          boolean copySupported) {
    static final long SN = 4;
    static final long MN = 24;
    static final long FR = 64;
    static final long MDTS = 77;
    static final long NN = 516;
    static final long ONCS = 520;
    static final int ONCS_COPY = 1 << 8;

    static ControllerIdentity parse(MemorySegment data, int minPageBytes) {
        int mdts = data.get(ValueLayout.JAVA_BYTE, MDTS) & 0xff;
        int oncs = data.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), ONCS) & 0xffff;
        int nn = data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), NN);
        long maxTransfer = mdts == 0 ? 0 : mdts >= 20 ? 1L << 40 : (long) minPageBytes << mdts;
        return new ControllerIdentity(text(data, SN, 20), text(data, MN, 40), text(data, FR, 8), maxTransfer, nn,
            (oncs & ONCS_COPY) != 0);
    }

    private static String text(MemorySegment data, long offset, int lengthBytes) {
        byte[] bytes = data.asSlice(offset, lengthBytes).toArray(ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.US_ASCII).replace((char) 0, (char) 32).strip(); // space padded; NULs too
    }
}
