package io.dmactl.vfio;

import java.util.List;

/** Reads the free 2 MiB hugepage count from the lines of /proc/meminfo. */
final class MeminfoHugePages {
    private MeminfoHugePages() {
    }

    /**
     * {@code HugePages_Free} if {@code Hugepagesize} is 2048 kB (the counter is for the
     * default hugepage size only), else 0.
     */
    static long free2M(List<String> meminfoLines) {
        long free = 0;
        boolean default2M = false;
        for (String line : meminfoLines) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2 && fields[0].equals("HugePages_Free:")) {
                free = Long.parseLong(fields[1]);
            } else if (fields.length >= 3 && fields[0].equals("Hugepagesize:")) {
                default2M = fields[1].equals("2048") && fields[2].equals("kB");
            }
        }
        return default2M ? free : 0;
    }
}
