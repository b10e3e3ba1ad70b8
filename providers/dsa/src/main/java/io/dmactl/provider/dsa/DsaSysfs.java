package io.dmactl.provider.dsa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * DSA devices and work queues as the idxd driver shows them under {@code /sys/bus/dsa/devices}
 * (kernel ABI document Documentation/ABI/stable/sysfs-driver-dma-idxd): {@code dsaN} with
 * {@code state}, {@code max_work_queues}, {@code max_batch_size}, {@code errors}, ...; {@code wqN.M}
 * with {@code mode}, {@code size}, {@code type}, {@code state}, {@code name},
 * {@code max_transfer_size}, {@code max_batch_size}. Control path only.
 */
public final class DsaSysfs {
    /** Where the kernel puts them. */
    public static final Path DEFAULT_ROOT = Path.of("/sys/bus/dsa/devices");
    private static final Pattern DEVICE = Pattern.compile("dsa\\d+");
    private static final Pattern QUEUE = Pattern.compile("wq(\\d+)\\.\\d+");

    /**
     * One DSA instance and its queues.
     *
     * @param name "dsa0"
     * @param state the device's state, "enabled", "disabled", ...
     * @param pciAddress the function's PCI address
     * @param workQueues its work queues
     */
    public record Device(String name, String state, String pciAddress, List<WorkQueueInfo> workQueues) {
        /** Copies {@code workQueues}. */
        public Device {
            workQueues = List.copyOf(workQueues);
        }

        /**
         * The queues dmactl can submit to from user space.
         *
         * @return the usable queues, possibly none
         */
        public List<WorkQueueInfo> usable() {
            return workQueues.stream().filter(wq -> wq.unusableReason() == null).toList();
        }
    }

    private DsaSysfs() {
    }

    /**
     * Every DSA device under {@code root} (empty when the directory does not exist: no idxd driver).
     *
     * @param root the directory to scan, e.g. {@link #DEFAULT_ROOT}
     * @return the devices, possibly none
     */
    public static List<Device> scan(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<String> names;
        try (Stream<Path> entries = Files.list(root)) {
            names = entries.map(p -> p.getFileName().toString()).sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        List<Device> devices = new ArrayList<>();
        for (String name : names) {
            if (!DEVICE.matcher(name).matches()) {
                continue;
            }
            String number = name.substring(3);
            List<WorkQueueInfo> queues = new ArrayList<>();
            for (String q : names) {
                var m = QUEUE.matcher(q);
                if (m.matches() && m.group(1).equals(number)) {
                    queues.add(queue(root.resolve(q), q, name));
                }
            }
            Path deviceDir = root.resolve(name);
            String pci = null;
            try {
                Path real = deviceDir.toRealPath();
                Path parent = real.getParent();
                pci = parent != null && parent.getFileName().toString().matches("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]")
                    ? parent.getFileName().toString() : null;
            } catch (IOException e) {
                // a fixture without the device link: no PCI address
            }
            devices.add(new Device(name, read(deviceDir, "state", "unknown"), pci, queues));
        }
        return devices;
    }

    static WorkQueueInfo queue(Path dir, String name, String device) {
        return new WorkQueueInfo(name, device, read(dir, "mode", "unknown"), (int) number(dir, "size", 0), read(dir, "type", "none"),
            read(dir, "state", "unknown"), number(dir, "max_transfer_size", 0), (int) number(dir, "max_batch_size", 0),
            read(dir, "name", ""));
    }

    /**
     * The message for a machine with DSA devices but no queue dmactl can use, naming the
     * accel-config commands that make one.
     *
     * @param devices the devices found
     * @return the message
     */
    public static String noUsableQueue(List<Device> devices) {
        StringBuilder text = new StringBuilder();
        if (devices.isEmpty()) {
            return "no DSA device under " + DEFAULT_ROOT + " (no Intel DSA, or the idxd driver is not loaded: modprobe idxd)";
        }
        text.append("DSA device(s) ");
        text.append(String.join(", ", devices.stream().map(Device::name).toList()));
        text.append(" present, but no enabled user work queue; as root, for example:\n");
        String d = devices.getFirst().name();
        text.append("  accel-config config-engine ").append(d).append("/engine").append(d.substring(3)).append(".0 --group-id=0\n");
        text.append("  accel-config config-wq ").append(d).append("/wq").append(d.substring(3))
            .append(".0 --group-id=0 --mode=dedicated --type=user --name=dmactl --size=32 --priority=10"
                + " --max-batch-size=32 --max-transfer-size=2097152\n");
        text.append("  accel-config enable-device ").append(d).append('\n');
        text.append("  accel-config enable-wq ").append(d).append("/wq").append(d.substring(3)).append(".0\n");
        text.append("then give your user access to /dev/dsa/wq").append(d.substring(3)).append(".0");
        return text.toString();
    }

    private static String read(Path dir, String attribute, String fallback) {
        try {
            return Files.readString(dir.resolve(attribute)).strip();
        } catch (IOException e) {
            return fallback;
        }
    }

    private static long number(Path dir, String attribute, long fallback) {
        String text = read(dir, attribute, null);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
