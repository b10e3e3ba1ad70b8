package io.dmactl.vfio.pci;

/**
 * Human names for PCI class codes (PCI Code and ID Assignment Specification), for listings.
 * Only the subclasses dmactl users meet often are named; any other code falls back to the
 * name of its base class, so every code has some name.
 */
final class PciClassNames {

    private PciClassNames() {
    }

    /** @param classCode 24-bit class code: base class, subclass, programming interface */
    static String nameOf(int classCode) {
        int baseAndSub = classCode >>> 8;
        return switch (baseAndSub) {
            case 0x0000 -> "Non-VGA unclassified device";
            case 0x0001 -> "VGA-compatible unclassified device";
            case 0x0100 -> "SCSI storage controller";
            case 0x0101 -> "IDE controller";
            case 0x0104 -> "RAID controller";
            case 0x0106 -> "SATA controller";
            case 0x0107 -> "SAS controller";
            case 0x0108 -> "Non-volatile memory controller";
            case 0x0200 -> "Ethernet controller";
            case 0x0300 -> "VGA-compatible controller";
            case 0x0302 -> "3D controller";
            case 0x0403 -> "Audio device";
            case 0x0500 -> "RAM memory";
            case 0x0600 -> "Host bridge";
            case 0x0601 -> "ISA bridge";
            case 0x0604 -> "PCI bridge";
            case 0x0880 -> "System peripheral";
            case 0x0c03 -> "USB controller";
            case 0x0c05 -> "SMBus controller";
            case 0x1200 -> "Processing accelerator";
            default -> baseClassName(baseAndSub >>> 8);
        };
    }

    private static String baseClassName(int baseClass) {
        return switch (baseClass) {
            case 0x00 -> "Unclassified device";
            case 0x01 -> "Mass storage controller";
            case 0x02 -> "Network controller";
            case 0x03 -> "Display controller";
            case 0x04 -> "Multimedia controller";
            case 0x05 -> "Memory controller";
            case 0x06 -> "Bridge";
            case 0x07 -> "Communication controller";
            case 0x08 -> "Generic system peripheral";
            case 0x09 -> "Input device controller";
            case 0x0a -> "Docking station";
            case 0x0b -> "Processor";
            case 0x0c -> "Serial bus controller";
            case 0x0d -> "Wireless controller";
            case 0x0e -> "Intelligent controller";
            case 0x0f -> "Satellite communication controller";
            case 0x10 -> "Encryption controller";
            case 0x11 -> "Signal processing controller";
            case 0x12 -> "Processing accelerator";
            case 0x13 -> "Non-essential instrumentation";
            case 0x40 -> "Coprocessor";
            case 0xff -> "Unassigned class";
            default -> "Reserved class";
        };
    }
}
