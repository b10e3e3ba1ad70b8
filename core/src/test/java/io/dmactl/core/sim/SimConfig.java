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
 */
public record SimConfig(String name, int channels, int ringSize, int maxTransferBytes, int alignmentBytes,
                        int dmaMaskBits, boolean interrupts, int privateSpaceBytes) {

    public static SimConfig defaults() {
        return new SimConfig("sim", 2, 64, 64 * 1024, 1, 32, true, 64 * 1024);
    }

    public SimConfig withName(String value) {
        return new SimConfig(value, channels, ringSize, maxTransferBytes, alignmentBytes, dmaMaskBits, interrupts, privateSpaceBytes);
    }

    public SimConfig withChannels(int value) {
        return new SimConfig(name, value, ringSize, maxTransferBytes, alignmentBytes, dmaMaskBits, interrupts, privateSpaceBytes);
    }

    public SimConfig withRingSize(int value) {
        return new SimConfig(name, channels, value, maxTransferBytes, alignmentBytes, dmaMaskBits, interrupts, privateSpaceBytes);
    }

    public SimConfig withMaxTransferBytes(int value) {
        return new SimConfig(name, channels, ringSize, value, alignmentBytes, dmaMaskBits, interrupts, privateSpaceBytes);
    }

    public SimConfig withAlignmentBytes(int value) {
        return new SimConfig(name, channels, ringSize, maxTransferBytes, value, dmaMaskBits, interrupts, privateSpaceBytes);
    }

    public SimConfig withDmaMaskBits(int value) {
        return new SimConfig(name, channels, ringSize, maxTransferBytes, alignmentBytes, value, interrupts, privateSpaceBytes);
    }

    public SimConfig withInterrupts(boolean value) {
        return new SimConfig(name, channels, ringSize, maxTransferBytes, alignmentBytes, dmaMaskBits, value, privateSpaceBytes);
    }

    public SimConfig withPrivateSpaceBytes(int value) {
        return new SimConfig(name, channels, ringSize, maxTransferBytes, alignmentBytes, dmaMaskBits, interrupts, value);
    }
}
