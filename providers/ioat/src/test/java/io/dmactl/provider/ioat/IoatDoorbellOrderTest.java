package io.dmactl.provider.ioat;

import io.dmactl.core.conformance.EngineFixture.HostRegion;
import io.dmactl.core.conformance.ProviderFixture;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.provider.ioat.model.IoatDeviceModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The order of the writes, not only their values: at the moment DMACOUNT is written, every
 * descriptor it announces must already hold its final SIZE, opcode and COMPL_WRITE, and the last
 * one FENCE. The register accesses are intercepted on their way to the model and the ring is
 * inspected right then; a driver that rang the doorbell before (or while) writing a descriptor fails.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoatDoorbellOrderTest {

    @Test
    void everyAnnouncedDescriptorIsCompleteWhenDmacountIsWritten() {
        List<String> problems = new ArrayList<>();
        List<Integer> doorbells = new ArrayList<>();
        IoatChannel[] watched = new IoatChannel[1];
        long[] announced = {0};
        IoatDeviceModel[] model = new IoatDeviceModel[1];
        IoatProvider provider = new IoatProvider(context -> {
            model[0] = new IoatDeviceModel("order", IoatDeviceModel.Config.defaults().withChannels(1),
                FakeIommuDomain.of(context));
            return new Intercepting(model[0], (offset, value) -> {
                IoatChannel c = watched[0];
                if (c == null || offset != IoatDeviceRegisters.channelBase(0) + IoatChannelRegisters.DMACOUNT) {
                    return;
                }
                doorbells.add(value);
                long upTo = c.hwBase + value;
                for (long d = Math.max(announced[0], c.hwBase); d < upTo; d++) {
                    long at = (d & c.slotMask) << IoatDescriptor.SHIFT;
                    int size = c.ring.get(IoatChannel.INT_LE, at + IoatDescriptor.SIZE);
                    int control = c.ring.get(IoatChannel.INT_LE, at + IoatDescriptor.CONTROL);
                    int expectedSize = 64 + (int) (d % 7);
                    if (size != expectedSize || (control & IoatDescriptor.CTL_COMPL_WRITE) == 0 || control >>> 24 != IoatDescriptor.OP_COPY) {
                        problems.add("descriptor " + d + " incomplete at the doorbell: size " + size + ", control 0x" + Integer.toHexString(control));
                    }
                    if (d == upTo - 1 && (control & IoatDescriptor.CTL_FENCE) == 0) {
                        problems.add("descriptor " + d + " ends a batch without FENCE");
                    }
                }
                announced[0] = upTo;
            });
        });
        ProviderFixture fixture = new ProviderFixture(provider, Optional.empty(), new FakeIommuDomain("iommu"),
            Map.of(IoatProvider.OPTION_RING_SIZE, "16", IoatProvider.OPTION_COMPLETION, "poll"));
        try {
            IoatChannel c = (IoatChannel) fixture.engine().channel(0);
            HostRegion src = fixture.allocateHost(4096);
            HostRegion dst = fixture.allocateHost(4096);
            watched[0] = c;
            announced[0] = c.written;
            CompletionBatch batch = new CompletionBatch(16);
            long d = c.written;
            for (int round = 0; round < 10; round++) {
                int burst = 1 + round % 5;
                for (int i = 0; i < burst; i++, d++) {
                    c.enqueueCopy(DmaChannel.SPACE_BUS, src.busAddress(), DmaChannel.SPACE_BUS, dst.busAddress(), 64 + (int) (d % 7), 0);
                }
                c.submit();
                int got = 0;
                while (got < burst) {
                    got += c.poll(batch);
                }
            }
            assertEquals(10, doorbells.size(), "one DMACOUNT write per submit");
            assertEquals(List.of(), problems);
        } finally {
            fixture.close();
            model[0].shutdown();
        }
    }

    /** Sees each 16-bit release write before the model does. */
    private interface Hook {
        void doorbell(long offset, int value);
    }

    private record Intercepting(IoatDeviceModel model, Hook hook) implements IoatFunction, IoatMmio {
        @Override
        public String address() {
            return model.address();
        }

        @Override
        public IoatMmio registers() {
            return this;
        }

        @Override
        public int msixVectors() {
            return model.msixVectors();
        }

        @Override
        public CompletionInterrupt[] enableMsix(int count) {
            return model.enableMsix(count);
        }

        @Override
        public void disableInterrupts() {
            model.disableInterrupts();
        }

        @Override
        public void enableBusMaster() {
            model.enableBusMaster();
        }

        @Override
        public void disableBusMaster() {
            model.disableBusMaster();
        }

        @Override
        public String subject() {
            return model.subject();
        }

        @Override
        public int read8(long offset) {
            return model.read8(offset);
        }

        @Override
        public void write8(long offset, int value) {
            model.write8(offset, value);
        }

        @Override
        public int read16(long offset) {
            return model.read16(offset);
        }

        @Override
        public void write16(long offset, int value) {
            model.write16(offset, value);
        }

        @Override
        public void write16Release(long offset, int value) {
            hook.doorbell(offset, value);
            model.write16Release(offset, value);
        }

        @Override
        public int read32(long offset) {
            return model.read32(offset);
        }

        @Override
        public void write32(long offset, int value) {
            model.write32(offset, value);
        }

        @Override
        public long read64(long offset) {
            return model.read64(offset);
        }

        @Override
        public void write64(long offset, long value) {
            model.write64(offset, value);
        }
    }
}
