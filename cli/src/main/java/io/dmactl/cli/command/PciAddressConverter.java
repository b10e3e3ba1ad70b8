package io.dmactl.cli.command;

import io.dmactl.cli.output.UserText;
import io.dmactl.vfio.pci.PciAddress;
import picocli.CommandLine;

import java.util.List;

/** ADDR arguments: {@code 0000:00:03.0} or {@code 00:03.0}; a bad one is a usage error naming it. */
final class PciAddressConverter implements CommandLine.ITypeConverter<PciAddress> {

    @Override
    public PciAddress convert(String value) {
        try {
            return PciAddress.parse(value);
        } catch (IllegalArgumentException e) {
            // The parser quotes the text raw; shown escaped and cut like all user text.
            throw new CommandLine.TypeConversionException(UserText.requote(e.getMessage(), List.of(value)));
        }
    }
}
