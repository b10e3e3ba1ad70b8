package io.dmactl.cli.location;

import io.dmactl.vfio.pci.PciAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocationParserTest {

    private static final PciAddress EDU = new PciAddress(0, 0, 3, 0);

    @Test
    void memIsAFreshBufferOfWhateverSizeTheCopyNeeds() {
        assertEquals(new HostMemorySpec(OptionalLong.empty(), 0), LocationParser.parse("mem"));
        assertEquals(new HostMemorySpec(OptionalLong.empty(), 0x100), LocationParser.parse("mem+0x100"));
    }

    @Test
    void memWithASizeIsABufferOfThatSize() {
        assertEquals(new HostMemorySpec(OptionalLong.of(65536), 0), LocationParser.parse("mem:64K"));
        assertEquals(new HostMemorySpec(OptionalLong.of(1 << 20), 4096), LocationParser.parse("mem:1M+4K"));
        assertEquals(new HostMemorySpec(OptionalLong.of(4096), 4095), LocationParser.parse("MEM:4096+4095"));
    }

    @Test
    void fileTakesEverythingAfterThePrefixAsThePath() {
        assertEquals(new FileSpec(Path.of("/tmp/in.bin")), LocationParser.parse("file:/tmp/in.bin"));
        assertEquals(new FileSpec(Path.of("relative/a+b.bin")), LocationParser.parse("file:relative/a+b.bin"));
        assertEquals(new FileSpec(Path.of("/x/0000:00:03.0/bar2")), LocationParser.parse("FILE:/x/0000:00:03.0/bar2"));
    }

    @Test
    void aBarOfADeviceIsAWindow() {
        assertEquals(new WindowSpec(EDU, 2, 0x1000), LocationParser.parse("0000:00:03.0/bar2+0x1000"));
        assertEquals(new WindowSpec(EDU, 0, 0), LocationParser.parse("00:03.0/bar0"));
        assertEquals(new WindowSpec(new PciAddress(0x10000, 0xab, 0x1f, 7), 5, 65536),
                LocationParser.parse("10000:AB:1F.7/BAR5+64K"));
    }

    @Test
    void devIsTheEnginesPrivateSpace() {
        assertEquals(new PrivateSpaceSpec(EDU, Optional.empty(), 0), LocationParser.parse("0000:00:03.0/dev+0"));
        assertEquals(new PrivateSpaceSpec(EDU, Optional.empty(), 0), LocationParser.parse("00:03.0/dev"));
        assertEquals(new PrivateSpaceSpec(EDU, Optional.of("ns1"), 1 << 20), LocationParser.parse("00:03.0/dev:ns1+1M"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mem", "mem+0x10", "mem:4K", "mem:1M+0x1000", "file:/tmp/a b+c", "0000:00:03.0/bar2+0x1000",
            "0000:00:05.0/bar0+0x0", "0000:00:03.0/dev+0x0", "0000:00:04.0/dev:ns1+0x200"})
    void theCanonicalSpellingReadsBackToTheSameLocation(String text) {
        LocationSpec spec = LocationParser.parse(text);
        assertEquals(text, spec.toString());
        assertEquals(spec, LocationParser.parse(spec.toString()));
    }

    @Test
    void shortAndMixedCaseSpellingsBecomeCanonical() {
        assertEquals("0000:00:03.0/bar2+0x1000", LocationParser.parse("00:03.0/Bar2+4K").toString());
        assertEquals("mem:64K+0x100", LocationParser.parse("Mem:65536+256").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|empty location",
            "memory|'memory' is not a location kind",
            "ram:4K|'ram:4K' is not a location kind",
            "mem:|mem: needs a size",
            "mem:0|a buffer of 0 bytes holds nothing",
            "mem:4Q|bad buffer size '4Q': expected a byte count",
            "mem:4K+4K|offset 0x1000 is past the end of the 4K buffer",
            "mem+|'+' must be followed by an offset",
            "mem+1.5K|bad offset '1.5K'",
            "file:|file: needs a path",
            "file:/tmp/|a path ending in '/' names a directory; name a file in it, e.g. 'file:/tmp/data.bin'",
            "/tmp/in.bin|a file is written file:PATH, e.g. 'file:/tmp/in.bin'",
            "./in.bin|a file is written file:PATH",
            "0000:00:03.0|say which part of 0000:00:03.0 to use",
            "0000:00:03.0+0x10|say which part of 0000:00:03.0 to use",
            "0000:00:03.0/bar6|'bar6' names no BAR; a PCI function has bar0 to bar5",
            "0000:00:03.0/bar123456789012|names no BAR",
            "0000:00:03.0/bar|'bar' after the device address is neither barN (N = 0-5) nor dev",
            "0000:00:03.0/mem+0|'mem' after the device address is neither barN",
            "0000:00:03.0/dev:|'' is not a private space name",
            "0000:00:03.0/dev:a/b|'a/b' is not a private space name",
            "0000:00:20.0/bar0|device 20 is out of range (00-1f)",
            "00:03/bar0|bad PCI address '00:03'",
            "zz:03.0/dev+0|bad PCI address 'zz:03.0'",
            "0000:00:03.0/bar2+0x|bad offset '0x'",
            "0000:00:03.0/bar2+-4|bad offset '-4'"})
    void refusesMalformedLocationsNamingTheBadPartAndTheRightForms(String text, String expected) {
        LocationSyntaxException e = assertThrows(LocationSyntaxException.class, () -> LocationParser.parse(text));
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
        assertEquals(text, e.text());
        assertTrue(e.getMessage().startsWith(text.isEmpty() ? "empty location" : "bad location '" + text + "'"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void anUnknownKindListsEveryForm() {
        LocationSyntaxException e = assertThrows(LocationSyntaxException.class, () -> LocationParser.parse("disk:1"));
        assertTrue(e.getMessage().contains(LocationParser.FORMS), e.getMessage());
        assertEquals("disk:1", e.token());
    }

    @Test
    void theTokenAtFaultIsReported() {
        assertEquals("bar9", assertThrows(LocationSyntaxException.class,
                () -> LocationParser.parse("00:03.0/bar9+4K")).token());
        assertEquals("4Q", assertThrows(LocationSyntaxException.class,
                () -> LocationParser.parse("00:03.0/dev+4Q")).token());
        assertEquals("0g:03.0", assertThrows(LocationSyntaxException.class,
                () -> LocationParser.parse("0g:03.0/dev")).token());
    }

    @Test
    void aSizedBufferKnowsHowMuchACopyNeedsAndAnUnsizedOneGrowsToFit() {
        assertEquals(65536, ((HostMemorySpec) LocationParser.parse("mem:64K+0x100")).bufferBytesFor(4096));
        assertEquals(0x100 + 4096, ((HostMemorySpec) LocationParser.parse("mem+0x100")).bufferBytesFor(4096));
    }

    @Test
    void aPathTheSystemCannotNameIsASyntaxErrorWithTheTextEscaped() {
        LocationSyntaxException e = assertThrows(LocationSyntaxException.class, () -> LocationParser.parse("file:a\u0000b"));
        assertEquals("bad location 'file:a\\x00b': not a path this system can name (Nul character not allowed)", e.getMessage());
    }
}
