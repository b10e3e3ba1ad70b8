package io.dmactl.cli.copy;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.location.FileSpec;
import io.dmactl.cli.location.HostMemorySpec;
import io.dmactl.cli.location.LocationSpec;
import io.dmactl.cli.location.PrivateSpaceSpec;
import io.dmactl.cli.location.WindowSpec;
import io.dmactl.cli.output.UserText;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferResult;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.DmaLocation;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One end of a copy, made real in a {@link DmaRuntime}: the core location and offset the
 * transfer names, and what the CLI does around it (fill a source buffer, read a file in, write
 * a file out, read the bytes back for {@code --verify}). A device window must have been
 * requested when the runtime was built ({@link CopyExecution} does). Closing returns the
 * buffer it took.
 */
final class Endpoint implements AutoCloseable {

    /** Seed of the pattern in fresh source buffers; fixed, so a run can be repeated byte for byte. */
    static final long SOURCE_SEED = 0x646D6163746CL; // "dmactl"

    private final LocationSpec spec;
    private final DmaLocation location;
    private final long offsetBytes;
    private final DmaBuffer ownedBuffer;
    private final MemorySegment cpuView;

    /**
     * @param ownedBuffer a buffer this end took from the pool (closed with it), or null
     * @param cpuView     all of the location as the CPU sees it, or null when the CPU cannot reach it
     */
    private Endpoint(LocationSpec spec, DmaLocation location, long offsetBytes, DmaBuffer ownedBuffer,
                     MemorySegment cpuView) {
        this.spec = spec;
        this.location = location;
        this.offsetBytes = offsetBytes;
        this.ownedBuffer = ownedBuffer;
        this.cpuView = cpuView;
    }

    /**
     * Makes {@code spec} a location of {@code runtime}, holding {@code lengthBytes} from its offset.
     * A source buffer is filled (pattern or file contents) before the transfer.
     */
    static Endpoint open(DmaRuntime runtime, LocationSpec spec, long lengthBytes, boolean isSource) {
        Objects.requireNonNull(runtime, "runtime");
        return switch (spec) {
            case HostMemorySpec memory -> {
                DmaBuffer buffer = runtime.allocate(memory.bufferBytesFor(lengthBytes));
                if (isSource) {
                    BytePattern.fill(buffer.segment(), SOURCE_SEED);
                }
                yield new Endpoint(spec, buffer, memory.offsetBytes(), buffer, buffer.segment());
            }
            case FileSpec file -> {
                DmaBuffer buffer = runtime.allocate(lengthBytes);
                if (isSource) {
                    try {
                        readFile(file.path(), buffer.segment());
                    } catch (RuntimeException e) {
                        buffer.close();
                        throw e;
                    }
                }
                yield new Endpoint(spec, buffer, 0, buffer, buffer.segment());
            }
            case WindowSpec window -> {
                DeviceWindow bar = window(runtime, window);
                yield new Endpoint(spec, bar, window.offsetBytes(), null, bar.segment());
            }
            case PrivateSpaceSpec space -> new Endpoint(spec, privateSpace(runtime, space), space.offsetBytes(), null, null);
        };
    }

    DmaLocation location() {
        return location;
    }

    long offsetBytes() {
        return offsetBytes;
    }

    /** After a successful transfer into a file destination: writes the bytes out (creating or truncating it). */
    void finishDestination(long lengthBytes) {
        if (spec instanceof FileSpec file) {
            writeFile(file.path(), ownedBuffer.segment().asSlice(0, lengthBytes));
        }
    }

    /**
     * The transferred bytes as the CPU sees them: a slice of the buffer, or for memory the CPU
     * cannot reach (a device-private space) a copy read back into a fresh buffer by the engine.
     * A read-back buffer is added to {@code keep} so the caller closes it.
     */
    MemorySegment contents(DmaRuntime runtime, long lengthBytes, List<AutoCloseable> keep) {
        if (cpuView != null) {
            return cpuView.asSlice(offsetBytes, lengthBytes);
        }
        DmaBuffer readBack = runtime.allocate(lengthBytes);
        keep.add(readBack);
        TransferResult result = runtime.copy(location, offsetBytes, readBack, 0, lengthBytes).join();
        if (!result.isSuccess()) {
            throw new DmactlException(ExitCodes.FAILURE, "reading " + spec.shown() + " back for --verify failed: "
                    + result.status() + " on engine " + result.engine());
        }
        return readBack.segment();
    }

    @Override
    public void close() {
        if (ownedBuffer != null) {
            ownedBuffer.close();
        }
    }

    @Override
    public String toString() {
        return spec.toString();
    }

    private static DeviceWindow window(DmaRuntime runtime, WindowSpec window) {
        try {
            return runtime.window(window.device().toString(), window.barIndex());
        } catch (IllegalArgumentException e) {
            throw new DmactlException(ExitCodes.UNAVAILABLE, "device window " + window.device() + "/bar"
                    + window.barIndex() + " is not available"
                    + (runtime.diagnostics().isEmpty() ? "" : ": " + String.join("; ", runtime.diagnostics())), e);
        }
    }

    private static DevicePrivateSpace privateSpace(DmaRuntime runtime, PrivateSpaceSpec space) {
        String device = space.device().toString();
        Optional<EngineInfo> engine = runtime.engines().stream()
                .filter(candidate -> candidate.device().equals(Optional.of(device)))
                .findFirst();
        if (engine.isEmpty()) {
            throw new DmactlException(ExitCodes.NOT_FOUND, "no DMA engine is open for " + device + " ("
                    + space + ")" + (runtime.diagnostics().isEmpty() ? ""
                    : "; the runtime said: " + String.join("; ", runtime.diagnostics())));
        }
        List<DevicePrivateSpace> spaces = engine.get().privateSpaces();
        if (spaces.isEmpty()) {
            throw new DmactlException(ExitCodes.NOT_FOUND, "engine " + engine.get().name()
                    + " has no private memory (" + space + ")");
        }
        if (space.spaceName().isEmpty()) {
            return spaces.get(0);
        }
        String wanted = engine.get().name() + " " + space.spaceName().get();
        return spaces.stream().filter(candidate -> candidate.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new DmactlException(ExitCodes.NOT_FOUND, "engine " + engine.get().name()
                        + " has no private space '" + space.spaceName().get() + "'; it has "
                        + spaces.stream().map(DevicePrivateSpace::name).toList()));
    }

    /** Largest piece read or written at once: a ByteBuffer holds at most 2 GiB - 1. */
    private static final long IO_CHUNK_BYTES = 1L << 30;

    private static void readFile(Path path, MemorySegment into) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            for (long done = 0; done < into.byteSize(); done += IO_CHUNK_BYTES) {
                ByteBuffer target = into.asSlice(done, Math.min(IO_CHUNK_BYTES, into.byteSize() - done)).asByteBuffer();
                while (target.hasRemaining()) {
                    if (channel.read(target) < 0) {
                        throw new DmactlException(ExitCodes.FAILURE, UserText.quote(path.toString()) + " ended after " + (done + target.position())
                                + " bytes, " + into.byteSize() + " were expected (did it shrink?)");
                    }
                }
            }
        } catch (IOException e) {
            throw new DmactlException(ExitCodes.FAILURE, "cannot read " + UserText.quote(path.toString()) + ": " + e, e);
        }
    }

    private static void writeFile(Path path, MemorySegment from) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long done = 0; done < from.byteSize(); done += IO_CHUNK_BYTES) {
                ByteBuffer source = from.asSlice(done, Math.min(IO_CHUNK_BYTES, from.byteSize() - done)).asByteBuffer();
                while (source.hasRemaining()) {
                    channel.write(source);
                }
            }
        } catch (IOException e) {
            throw new DmactlException(ExitCodes.FAILURE, "cannot write " + UserText.quote(path.toString()) + ": " + e, e);
        }
    }
}
