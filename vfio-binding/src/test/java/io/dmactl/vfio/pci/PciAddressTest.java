package io.dmactl.vfio.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PciAddressTest {

    @Test
    void parsesTheSysfsForm() {
        PciAddress address = PciAddress.parse("0000:00:03.0");
        assertEquals(new PciAddress(0, 0, 3, 0), address);
        assertEquals("0000:00:03.0", address.toString());
    }

    @Test
    void parsesTheShortFormAsDomainZero() {
        assertEquals(new PciAddress(0, 0x1f, 0x1c, 7), PciAddress.parse("1f:1c.7"));
    }

    @Test
    void acceptsUpperCaseAndPrintsCanonicalLowerCase() {
        PciAddress address = PciAddress.parse("000A:AF:1F.3");
        assertEquals(new PciAddress(0xa, 0xaf, 0x1f, 3), address);
        assertEquals("000a:af:1f.3", address.toString());
    }

    @Test
    void keepsDomainsWiderThanFourDigits() {
        // Intel VMD puts its devices in domains from 0x10000 up.
        PciAddress address = PciAddress.parse("10000:e0:00.0");
        assertEquals(0x10000, address.domain());
        assertEquals("10000:e0:00.0", address.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0000:00:03", "00:3.0", "0:00:03.0", "0000:00:03.0 ", " 00:03.0", "0000:0g:03.0",
            "0000-00-03.0", "0000:00:03:0", "123456789:00:00.0", "0000:000:03.0", "pci0000:00"})
    void rejectsMalformedTextNamingItAndTheExpectedForm(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PciAddress.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("expected DDDD:BB:DD.F or BB:DD.F"), e.getMessage());
    }

    @Test
    void rejectsADeviceNumberAbove1f() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PciAddress.parse("0000:00:20.0"));
        assertTrue(e.getMessage().contains("'0000:00:20.0'") && e.getMessage().contains("device 20")
                && e.getMessage().contains("00-1f"), e.getMessage());
    }

    @Test
    void rejectsAFunctionAbove7() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PciAddress.parse("00:03.8"));
        assertTrue(e.getMessage().contains("'00:03.8'") && e.getMessage().contains("function 8"), e.getMessage());
    }

    @Test
    void rejectsADomainBeyondInt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PciAddress.parse("80000000:00:00.0"));
        assertTrue(e.getMessage().contains("domain 80000000"), e.getMessage());
    }

    @Test
    void constructorChecksRanges() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PciAddress(0, 256, 0, 0));
        assertTrue(e.getMessage().contains("bus 256"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PciAddress(0, 0, 32, 0));
        assertThrows(IllegalArgumentException.class, () -> new PciAddress(0, 0, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> new PciAddress(-1, 0, 0, 0));
    }

    @Test
    void ordersByDomainBusDeviceFunction() {
        List<PciAddress> addresses = new ArrayList<>(List.of(
                PciAddress.parse("0001:00:00.0"), PciAddress.parse("0000:01:00.0"),
                PciAddress.parse("0000:00:1f.3"), PciAddress.parse("0000:00:1f.0"), PciAddress.parse("0000:00:02.0")));
        addresses.sort(null);
        assertEquals(List.of("0000:00:02.0", "0000:00:1f.0", "0000:00:1f.3", "0000:01:00.0", "0001:00:00.0"),
                addresses.stream().map(PciAddress::toString).toList());
    }
}
