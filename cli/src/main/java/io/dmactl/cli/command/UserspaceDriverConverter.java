package io.dmactl.cli.command;

import io.dmactl.cli.output.UserText;
import io.dmactl.vfio.pci.UserspaceDriver;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;

/**
 * {@code --driver}: the kernel names {@code vfio-pci} and {@code uio_pci_generic}. As with
 * modprobe, '-' and '_' are interchangeable. Also the completion candidates.
 */
final class UserspaceDriverConverter implements CommandLine.ITypeConverter<UserspaceDriver>, Iterable<String> {

    @Override
    public UserspaceDriver convert(String value) {
        String wanted = normalize(value);
        for (UserspaceDriver driver : UserspaceDriver.values()) {
            if (normalize(driver.sysfsName()).equals(wanted)) {
                return driver;
            }
        }
        throw new CommandLine.TypeConversionException("unknown driver " + UserText.quote(value) + ": expected vfio-pci"
                + " (DMA behind the IOMMU, the default) or uio_pci_generic (no IOMMU; needs --no-iommu)");
    }

    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(UserspaceDriver.values()).map(UserspaceDriver::sysfsName).iterator();
    }

    private static String normalize(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
