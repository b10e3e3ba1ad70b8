package io.dmactl.provider.lsi;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.dmactl.core.spi.DmaChannel.FLAG_SUBMIT;
import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static io.dmactl.provider.lsi.FakeScriptsProcessor.BUS_BASE;
import static io.dmactl.provider.lsi.FakeScriptsProcessor.SCRIPT_BUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The channel against {@link FakeScriptsProcessor}: the chain it writes, and how it judges what the chip reports. */
class LsiChannelTest {
    private static final ValueLayout.OfInt DWORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The SCRIPTS RAM's bus address on the fake bus, and its space id. */
    private static final long RAM_BUS = BUS_BASE + 0x8_0000;
    private static final int RAM_SPACE = 1;

    private final FakeScriptsProcessor chip = new FakeScriptsProcessor();
    private final CompletionBatch batch = new CompletionBatch(32);

    @AfterEach
    void close() {
        chip.close();
    }

    private LsiChannel channel(long... forbidden) {
        MoveCheck check = new MoveCheck(RAM_SPACE, RAM_BUS, LsiEngine.RAM_BYTES, forbidden);
        return new LsiChannel(0, chip.registers, check, chip.script, SCRIPT_BUS, 16);
    }

    private int dword(long offset) {
        return chip.script.get(DWORD, offset);
    }

    @Test
    void oneDoorbellWritesOneChainOfMovesClosedByAnIntAndStartsItAtDsp() {
        LsiChannel channel = channel();
        chip.bus.asSlice(0, 300).fill((byte) 7);
        channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE + 0x1000, 100, 0);
        channel.enqueueCopy(SPACE_BUS, BUS_BASE + 100, RAM_SPACE, 8, 200, 0);
        assertEquals(0, chip.registers.read32(LsiRegisters.DSP), "nothing starts before submit");
        assertEquals(0, dword(0), "nothing is written before submit");
        channel.submit();

        assertEquals((int) SCRIPT_BUS, chip.registers.read32(LsiRegisters.DSP));
        assertEquals(0xC000_0000 | 100, dword(0));
        assertEquals((int) BUS_BASE, dword(4));
        assertEquals((int) (BUS_BASE + 0x1000), dword(8));
        assertEquals(0xC000_0000 | 200, dword(12));
        assertEquals((int) (BUS_BASE + 100), dword(16));
        assertEquals((int) (RAM_BUS + 8), dword(20), "a SCRIPTS RAM offset becomes the RAM's bus address + offset");
        assertEquals(0x9808_0000, dword(24), "INT, unconditional");
        assertEquals(2, dword(28), "the vector is the ticket after the chain");

        assertEquals(0, channel.poll(batch), "nothing completes while ISTAT shows nothing");
        chip.run();
        assertEquals(2, channel.poll(batch));
        for (int i = 0; i < 2; i++) {
            assertEquals(i, batch.ticket(i));
            assertEquals(OpStatus.SUCCESS, batch.status(i));
        }
        assertEquals((byte) 7, chip.at(BUS_BASE + 0x1000 + 99, 1).get(ValueLayout.JAVA_BYTE, 0));
        assertEquals((byte) 7, chip.at(RAM_BUS + 8 + 199, 1).get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void theNextChainStartsWhenThePreviousOneIsHarvested() {
        LsiChannel channel = channel();
        channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE + 0x1000, 10, FLAG_SUBMIT);
        channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE + 0x2000, 10, FLAG_SUBMIT);
        assertEquals(1, channel.chains(), "one chain runs at a time");
        chip.run();
        assertEquals(1, channel.poll(batch));
        chip.acknowledge();
        assertEquals(2, channel.chains(), "the waiting move went out as the next chain");
        assertEquals(2, dword(12 + 4), "its INT's vector");
        chip.run();
        assertEquals(1, channel.poll(batch));
        assertEquals(1, batch.ticket(0));
    }

    @Test
    void aForgedVectorCompletesNothingAndHaltsTheChannel() {
        LsiChannel channel = channel();
        channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE + 0x1000, 10, FLAG_SUBMIT);
        chip.stop(LsiRegisters.DSTAT_SIR, 12345);
        assertEquals(0, channel.poll(batch));
        assertNotNull(channel.fault());
        assertTrue(channel.fault().contains("0x3039"), channel.fault());
        chip.acknowledge();
        channel.dropOutstanding();
        assertNull(channel.fault());
    }

    @Test
    void aDmaErrorCompletesTheChainDeviceErrorWithDstatAsCode() {
        LsiChannel channel = channel();
        channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE + 0x1000, 10, 0);
        channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE + 0x2000, 10, FLAG_SUBMIT);
        chip.stop(LsiRegisters.DSTAT_BF, 0);
        assertEquals(2, channel.poll(batch));
        for (int i = 0; i < 2; i++) {
            assertEquals(OpStatus.DEVICE_ERROR, batch.status(i));
            assertEquals(LsiRegisters.DSTAT_BF, batch.deviceCode(i));
        }
    }

    /** A move touching a guarded register range is refused before anything reaches the chip. */
    @Test
    void aMoveIntoTheRegisterBarsIsRefusedBeforeAnythingIsWritten() {
        long bar1 = BUS_BASE + 0x4_0000;
        LsiChannel channel = channel(bar1, bar1 + 0x3ff);
        long into = channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, bar1 + 0x2c, 4, FLAG_SUBMIT);
        long straddles = channel.enqueueCopy(SPACE_BUS, bar1 - 8, SPACE_BUS, BUS_BASE, 9, FLAG_SUBMIT);
        assertEquals(2, channel.poll(batch));
        for (int i = 0; i < 2; i++) {
            assertEquals(OpStatus.INVALID, batch.status(i));
            assertEquals(MoveCheck.TOUCHES_REGISTERS, batch.deviceCode(i));
        }
        assertEquals(0, into);
        assertEquals(1, straddles);
        assertTrue(chip.registersUntouched(), "a refused move wrote a register");
        assertEquals(0, dword(0), "a refused move was written into the SCRIPTS memory");
        String why = channel.check().explain(MoveCheck.TOUCHES_REGISTERS, SPACE_BUS, BUS_BASE, SPACE_BUS, bar1 + 0x2c, 4);
        assertTrue(why.contains("register BARs") && why.contains("1563"), why);
    }

    @Test
    void refusedMovesCompleteInvalidInTicketOrderBetweenGoodOnes() {
        LsiChannel channel = channel();
        channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE + 0x1000, 10, 0);
        channel.enqueueCopy(SPACE_BUS, 0x1_0000_0000L, SPACE_BUS, BUS_BASE, 10, 0); // beyond 32 bits
        channel.enqueueCopy(RAM_SPACE, 8190, SPACE_BUS, BUS_BASE, 3, 0); // past the RAM's end
        channel.enqueueFill(0, SPACE_BUS, BUS_BASE, 8, 0);
        channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE + 0x2000, 10, FLAG_SUBMIT);
        assertEquals(Scripts.INT, dword(24), "two moves in the chain, the refused ones left out");
        chip.run();
        assertEquals(5, channel.poll(batch));
        int[] expected = {OpStatus.SUCCESS, OpStatus.INVALID, OpStatus.INVALID, OpStatus.INVALID, OpStatus.SUCCESS};
        int[] codes = {0, MoveCheck.BEYOND_DMA_MASK, MoveCheck.OUTSIDE_RAM, MoveCheck.UNSUPPORTED_OP, 0};
        for (int i = 0; i < 5; i++) {
            assertEquals(i, batch.ticket(i));
            assertEquals(expected[i], batch.status(i), "ticket " + i);
            assertEquals(codes[i], batch.deviceCode(i), "ticket " + i);
        }
    }

    @Test
    void aRingOfOnlyRefusedMovesNeverTouchesTheChip() {
        LsiChannel channel = channel();
        channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE, 0, 0);
        channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE, Scripts.MAX_MOVE_BYTES + 1, 0);
        channel.enqueueCopy(7, 0, SPACE_BUS, BUS_BASE, 4, FLAG_SUBMIT);
        assertEquals(3, channel.poll(batch));
        assertEquals(MoveCheck.NOT_POSITIVE_LENGTH, batch.deviceCode(0));
        assertEquals(MoveCheck.LONGER_THAN_COUNT, batch.deviceCode(1));
        assertEquals(MoveCheck.UNKNOWN_SPACE, batch.deviceCode(2));
        assertTrue(chip.registersUntouched());
        assertEquals(0, channel.chains());
    }

    @Test
    void aFullRingSaysNoSpace() {
        LsiChannel channel = channel();
        for (int i = 0; i < 16; i++) {
            assertEquals(i, channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE + 0x1000, 1, 0));
        }
        assertEquals(DmaChannel.NO_SPACE, channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE + 0x1000, 1, 0));
        channel.submit();
        chip.run();
        assertEquals(16, channel.poll(batch));
        assertEquals(16, channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE + 0x1000, 1, 0));
    }

    @Test
    void inIntxModeTheLineIsUnmaskedOnceAfterEachStoppedChainAndNeverOtherwise() {
        int[] unmasks = {0};
        io.dmactl.core.spi.CompletionInterrupt interrupt = new io.dmactl.core.spi.CompletionInterrupt() {
            @Override
            public boolean await(long timeoutNanos) {
                return true;
            }

            @Override
            public void wakeup() {
            }
        };
        MoveCheck check = new MoveCheck(RAM_SPACE, RAM_BUS, LsiEngine.RAM_BYTES, new long[0]);
        LsiChannel channel = new LsiChannel(0, chip.registers, check, chip.script, SCRIPT_BUS, 16, interrupt, () -> unmasks[0]++);
        assertEquals(interrupt, channel.interrupt());
        channel.enqueueCopy(SPACE_BUS, BUS_BASE, SPACE_BUS, BUS_BASE + 0x1000, 10, FLAG_SUBMIT);
        assertEquals(0, channel.poll(batch));
        assertEquals(0, unmasks[0], "no unmask while the chain runs");
        chip.run();
        assertEquals(1, channel.poll(batch));
        assertEquals(1, unmasks[0]);
        chip.acknowledge();
        assertEquals(0, channel.poll(batch));
        assertEquals(1, unmasks[0], "no unmask without a stopped chain");
    }

    @Test
    void scriptsMemoryTooSmallForAFullChainIsRefusedAtConstruction() {
        MoveCheck check = new MoveCheck(RAM_SPACE, RAM_BUS, LsiEngine.RAM_BYTES, new long[0]);
        MemorySegment small = chip.script.asSlice(0, Scripts.chainBytes(16) - 4);
        try {
            new LsiChannel(0, chip.registers, check, small, SCRIPT_BUS, 16);
            throw new AssertionError("accepted a too small SCRIPTS memory");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("cannot hold a chain of 16 moves"), expected.getMessage());
        }
    }
}
