package io.dmactl.provider.lsi;

import io.dmactl.vfio.pci.MmioRegisters;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A stand-in for the chip in host tests: plain memory as the register block and as a 1 MiB "bus"
 * starting at {@link #BUS_BASE}, and {@link #run} to execute what DSP points at the way the
 * manual describes (Memory Move copies, INT stops with DSTAT.SIR and the vector in DSPS). It is
 * run by the test after submit, not by the store to DSP.
 */
final class FakeScriptsProcessor implements AutoCloseable {
    static final long BUS_BASE = 0x1000_0000L;
    static final int BUS_BYTES = 1 << 20;
    /** Where the channel's SCRIPTS memory sits on the fake bus. */
    static final long SCRIPT_BUS = BUS_BASE + BUS_BYTES - 64 * 1024;
    private static final ValueLayout.OfInt DWORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final Arena arena = Arena.ofConfined();
    final MemorySegment registerMemory = arena.allocate(LsiRegisters.REGISTER_BLOCK_BYTES, 8);
    final MmioRegisters registers = new MmioRegisters(registerMemory, "fake lsi", 1000);
    final MemorySegment bus = arena.allocate(BUS_BYTES, 4096);
    final MemorySegment script = bus.asSlice(SCRIPT_BUS - BUS_BASE, 64 * 1024);
    int instructions;

    MemorySegment at(long busAddress, long length) {
        return bus.asSlice(busAddress - BUS_BASE, length);
    }

    /** Runs from DSP until an INT (or a forged outcome the test asks for). */
    void run() {
        long dsp = Integer.toUnsignedLong(registers.read32(LsiRegisters.DSP));
        while (true) {
            int insn = at(dsp, 4).get(DWORD, 0);
            int second = at(dsp + 4, 4).get(DWORD, 0);
            instructions++;
            if ((insn & 0xE000_0000) == Scripts.MEMORY_MOVE) {
                int count = insn & 0xFF_FFFF;
                long dst = Integer.toUnsignedLong(at(dsp + 8, 4).get(DWORD, 0));
                MemorySegment.copy(at(Integer.toUnsignedLong(second), count), 0, at(dst, count), 0, count);
                dsp += 12;
            } else if (insn == Scripts.INT) {
                stop(LsiRegisters.DSTAT_SIR, second);
                return;
            } else {
                stop(LsiRegisters.DSTAT_IID, second);
                return;
            }
        }
    }

    void stop(int dstat, int dsps) {
        registerMemory.set(ValueLayout.JAVA_BYTE, LsiRegisters.DSTAT, (byte) dstat);
        registers.write32(LsiRegisters.DSPS, dsps);
        registerMemory.set(ValueLayout.JAVA_BYTE, LsiRegisters.ISTAT, (byte) LsiRegisters.ISTAT_DIP);
    }

    /** The channel read ISTAT/DSTAT: what the chip does when DSTAT is read (clears DIP) is done here. */
    void acknowledge() {
        registerMemory.set(ValueLayout.JAVA_BYTE, LsiRegisters.DSTAT, (byte) 0);
        registerMemory.set(ValueLayout.JAVA_BYTE, LsiRegisters.ISTAT, (byte) 0);
    }

    boolean registersUntouched() {
        for (long i = 0; i < registerMemory.byteSize(); i++) {
            if (registerMemory.get(ValueLayout.JAVA_BYTE, i) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        arena.close();
    }
}
