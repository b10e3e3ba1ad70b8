package io.dmactl.cli.host;

import io.dmactl.vfio.pci.BindResult;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.UserspaceDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BindingRecordsTest {

    private static final PciAddress NIC = PciAddress.parse("0000:00:02.0");

    @TempDir
    Path state;

    @Test
    void aRecordReadsBackAsTheBindThatMadeIt() {
        BindingRecords records = new BindingRecords(state);
        BindResult bind = new BindResult(NIC, UserspaceDriver.VFIO_PCI, Optional.of("e1000e"), Optional.of("e1000e"), true);
        records.save(bind);
        assertEquals(Optional.of(bind), records.load(NIC));
        assertTrue(Files.exists(state.resolve("bindings/0000:00:02.0.properties")));
        records.delete(NIC);
        assertEquals(Optional.empty(), records.load(NIC));
    }

    @Test
    void aDeviceThatHadNoDriverRecordsNone() {
        BindingRecords records = new BindingRecords(state);
        BindResult bind = new BindResult(NIC, UserspaceDriver.UIO_PCI_GENERIC, Optional.empty(), Optional.empty(), true);
        records.save(bind);
        assertEquals(Optional.of(bind), records.load(NIC));
    }

    @Test
    void noRecordIsEmptyAndDeletingNothingIsFine() {
        BindingRecords records = new BindingRecords(state);
        assertEquals(Optional.empty(), records.load(NIC));
        records.delete(NIC);
        assertFalse(Files.exists(state.resolve("bindings")));
    }

    @Test
    void aDamagedRecordIsNamedWithWhatToDo() throws IOException {
        BindingRecords records = new BindingRecords(state);
        Files.createDirectories(state.resolve("bindings"));
        Files.writeString(records.path(NIC), "address=0000:00:02.0\ndriver=nouveau\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> records.load(NIC));
        assertTrue(e.getMessage().startsWith("damaged bind record " + records.path(NIC)), e.getMessage());
        assertTrue(e.getMessage().contains("unknown userspace driver 'nouveau'"), e.getMessage());

        Files.writeString(records.path(NIC), "address=0000:00:03.0\ndriver=vfio-pci\n");
        assertTrue(assertThrows(IllegalStateException.class, () -> records.load(NIC)).getMessage()
                .contains("it is for 0000:00:03.0"));
    }
}
