package io.dmactl.provider.ioat.model;

import io.dmactl.core.sim.FakeIommuDomain;

import java.util.List;

/**
 * The model's side of the IOMMU: bus addresses (IOVAs) to CPU addresses through the engine's
 * {@link FakeIommuDomain}, with the domain's access rights; a miss or a forbidden direction is a
 * fault. The mappings are copied into arrays whenever the domain's map/unmap counters moved, so a
 * lookup in steady state allocates nothing (the JMH gc profiler counts the model's thread too).
 */
final class ModelDma {
    private final FakeIommuDomain domain;
    private long seenMaps = -1;
    private long seenUnmaps = -1;
    private long[] starts = new long[0];
    private long[] lengths = new long[0];
    private long[] addresses = new long[0];
    private boolean[] readable = new boolean[0];
    private boolean[] writable = new boolean[0];

    ModelDma(FakeIommuDomain domain) {
        this.domain = domain;
    }

    /** The CPU address behind {@code [iova, iova + lengthBytes)}, or -1 for an IOMMU fault. */
    synchronized long translate(long iova, long lengthBytes, boolean deviceWrites) {
        if (lengthBytes <= 0 || iova < 0) {
            return -1;
        }
        long maps = domain.mapCalls();
        long unmaps = domain.unmapCalls();
        if (maps != seenMaps || unmaps != seenUnmaps) {
            refresh(maps, unmaps);
        }
        int lo = 0;
        int hi = starts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] > iova) {
                hi = mid - 1;
            } else if (starts[mid] + lengths[mid] <= iova) {
                lo = mid + 1;
            } else {
                long offset = iova - starts[mid];
                if (offset + lengthBytes > lengths[mid] || (deviceWrites ? !writable[mid] : !readable[mid])) {
                    return -1;
                }
                return addresses[mid] + offset;
            }
        }
        return -1;
    }

    private void refresh(long maps, long unmaps) {
        List<FakeIommuDomain.MappedRange> live = domain.mappings();
        int n = live.size();
        starts = new long[n];
        lengths = new long[n];
        addresses = new long[n];
        readable = new boolean[n];
        writable = new boolean[n];
        for (int i = 0; i < n; i++) {
            FakeIommuDomain.MappedRange m = live.get(i);
            starts[i] = m.iova();
            lengths[i] = m.lengthBytes();
            addresses[i] = m.address();
            readable[i] = m.access().deviceReads();
            writable[i] = m.access().deviceWrites();
        }
        seenMaps = maps;
        seenUnmaps = unmaps;
    }
}
