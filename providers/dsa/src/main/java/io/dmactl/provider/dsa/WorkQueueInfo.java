package io.dmactl.provider.dsa;

import java.util.Objects;

/**
 * One DSA work queue as sysfs describes it ({@code /sys/bus/dsa/devices/wqD.Q}, kernel ABI
 * document {@code sysfs-bus-dsa}).
 *
 * @param name            "wq0.0"
 * @param device          the DSA instance, "dsa0"
 * @param mode            "dedicated" or "shared"
 * @param sizeEntries     the queue's size (descriptors it holds)
 * @param type            "user", "kernel" or "none"
 * @param state           "enabled", "disabled", ...
 * @param maxTransferBytes the queue's max_transfer_size
 * @param maxBatchSize    descriptors one batch may hold (max_batch_size)
 * @param clientName      the name the administrator gave it ("name")
 */
public record WorkQueueInfo(String name, String device, String mode, int sizeEntries, String type, String state,
                            long maxTransferBytes, int maxBatchSize, String clientName) {
    /** Checks that no text component is null. */
    public WorkQueueInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(state, "state");
    }

    /**
     * Whether the queue is dedicated (one client) rather than shared.
     *
     * @return true for mode "dedicated"
     */
    public boolean dedicated() {
        return mode.equals("dedicated");
    }

    /**
     * The character device a user queue appears as.
     *
     * @return the path, {@code /dev/dsa/wqD.Q}
     */
    public String devicePath() {
        return "/dev/dsa/" + name;
    }

    /**
     * Null when dmactl can submit to this queue from user space, else why not.
     *
     * @return null, or the reason
     */
    public String unusableReason() {
        if (!type.equals("user")) {
            return "type " + type + " (dmactl needs a user queue)";
        }
        if (!state.equals("enabled")) {
            return "state " + state;
        }
        if (sizeEntries <= 0) {
            return "size " + sizeEntries;
        }
        return null;
    }
}
