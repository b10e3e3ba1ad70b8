package io.dmactl.cli.output;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TableTest {

    @Test
    void columnsArePaddedToTheWidestCellAndTheLastIsNot() {
        Table table = new Table("ADDRESS", "DRIVER", "PROVIDER")
                .row("0000:00:03.0", "-", "edu")
                .row("0000:00:1f.2", "ahci", null);
        StringWriter text = new StringWriter();
        table.print(new PrintWriter(text));
        assertEquals("""
                ADDRESS       DRIVER  PROVIDER
                0000:00:03.0  -       edu
                0000:00:1f.2  ahci
                """, text.toString());
        assertEquals(2, table.rowCount());
    }

    @Test
    void aRowMustFillEveryColumn() {
        Table table = new Table("A", "B");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> table.row("only one"));
        assertEquals("row has 1 cells, the table has 2 columns [A, B]", e.getMessage());
    }
}
