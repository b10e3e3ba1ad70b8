package io.dmactl.core.sim;

/**
 * Shape of a simulated ring device.
 *
 * @param name              provider (and engine) name
 * @param channels          channels (each with its own device thread)
 * @param ringSize          descriptors per ring (power of two)
 * @param maxTransferBytes  longest op the device accepts
 * @param alignmentBytes    required alignment of addresses and lengths
 * @param dmaMaskBits       the device's address width
 * @param interrupts        channels offer completion interrupts
 * @param privateSpaceBytes size of the device's private memory ("SRAM", space 1), 0 for none
 * @param memToMem          the device copies and fills host to host; without it (like edu) every
 *                          op must have the private memory at one end, others complete INVALID
 */
public record SimConfig(String name, int channels, int ringSize, int maxTransferBytes, int alignmentBytes,
                        int dmaMaskBits, boolean interrupts, int privateSpaceBytes, boolean memToMem) {

    public static SimConfig defaults() {
        return new SimConfig("sim", 2, 64, 64 * 1024, 1, 32, true, 64 * 1024, true);
    }

    public SimConfig withName(String value) {
        return new SimConfig(value, channels, ringSize, maxTransferBytes, alignmentBytes, dmaMaskBits, interrupts, privateSpaceBytes, memToMem);
    }

    public SimConfig withChannels(int value) {
        return new SimConfig(name, value, ringSize, maxTransferBytes, alignmentBytes, dmaMaskBits, interrupts, privateSpaceBytes, memToMem);
    }

    public SimConfig withRingSize(int value) {
        return new SimConfig(name, channels, value, maxTransferBytes, alignmentBytes, dmaMaskBits, interrupts, privateSpaceBytes, memToMem);
    }

    public SimConfig withMaxTransferBytes(int value) {
        return new SimConfig(name, channels, ringSize, value, alignmentBytes, dmaMaskBits, interrupts, privateSpaceBytes, memToMem);
    }

    public SimConfig withAlignmentBytes(int value) {
        return new SimConfig(name, channels, ringSize, maxTransferBytes, value, dmaMaskBits, interrupts, privateSpaceBytes, memToMem);
    }

    public SimConfig withDmaMaskBits(int value) {
        return new SimConfig(name, channels, ringSize, maxTransferBytes, alignmentBytes, value, interrupts, privateSpaceBytes, memToMem);
    }

    public SimConfig withInterrupts(boolean value) {
        return new SimConfig(name, channels, ringSize, maxTransferBytes, alignmentBytes, dmaMaskBits, value, privateSpaceBytes, memToMem);
    }

    public SimConfig withPrivateSpaceBytes(int value) {
        return new SimConfig(name, channels, ringSize, maxTransferBytes, alignmentBytes, dmaMaskBits, interrupts, value, memToMem);
    }

    public SimConfig withMemToMem(boolean value) {
        return new SimConfig(name, channels, ringSize, maxTransferBytes, alignmentBytes, dmaMaskBits, interrupts, privateSpaceBytes,
            value);
    }
}
