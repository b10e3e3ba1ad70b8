package io.dmactl.core.spi;

/**
 * A PCI function a provider drives: by vendor/device id, by class code, or both.
 * {@link #ANY} in an id field matches every value.
 *
 * @param vendorId  PCI vendor id (0..0xffff) or ANY
 * @param deviceId  PCI device id (0..0xffff) or ANY
 * @param classCode 24-bit class code (base class, subclass, prog-if), compared under classMask
 * @param classMask bits of the class code that must match (0 = any class)
 */
public record PciMatch(int vendorId, int deviceId, int classCode, int classMask) {
    public static final int ANY = -1;

    /** Checks that the ids are 16-bit or ANY and that the class code and mask fit in 24 bits. */
    public PciMatch {
        checkId("vendorId", vendorId);
        checkId("deviceId", deviceId);
        if ((classCode & ~0xff_ffff) != 0 || (classMask & ~0xff_ffff) != 0) {
            throw new IllegalArgumentException("classCode 0x" + Integer.toHexString(classCode) + " / classMask 0x"
                + Integer.toHexString(classMask) + " must fit in 24 bits");
        }
    }

    /**
     * Matches one vendor:device pair, any class.
     *
     * @param vendorId the PCI vendor id
     * @param deviceId the PCI device id
     * @return the match
     */
    public static PciMatch ofId(int vendorId, int deviceId) {
        return new PciMatch(vendorId, deviceId, 0, 0);
    }

    /**
     * Matches every function whose class code equals {@code classCode} under {@code classMask}.
     *
     * @param classCode the 24-bit class code
     * @param classMask the bits of the class code that must match
     * @return the match
     */
    public static PciMatch ofClass(int classCode, int classMask) {
        return new PciMatch(ANY, ANY, classCode, classMask);
    }

    /**
     * Whether a function with these ids and class code matches.
     *
     * @param vendor the function's vendor id
     * @param device the function's device id
     * @param functionClassCode the function's 24-bit class code
     * @return true if it matches
     */
    public boolean matches(int vendor, int device, int functionClassCode) {
        return (vendorId == ANY || vendorId == vendor)
            && (deviceId == ANY || deviceId == device)
            && (functionClassCode & classMask) == (classCode & classMask);
    }

    private static void checkId(String what, int id) {
        if (id != ANY && (id < 0 || id > 0xffff)) {
            throw new IllegalArgumentException(what + " 0x" + Integer.toHexString(id) + " must be 0..0xffff or ANY");
        }
    }

    @Override
    public String toString() {
        String ids = (vendorId == ANY ? "*" : String.format("%04x", vendorId)) + ":"
            + (deviceId == ANY ? "*" : String.format("%04x", deviceId));
        return classMask == 0 ? ids : ids + " class " + String.format("%06x/%06x", classCode, classMask);
    }
}
