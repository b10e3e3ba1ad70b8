/**
 * Provider {@code ioat} ({@link io.dmactl.provider.ioat.IoatProvider}): Intel QuickData (I/OAT,
 * CBDMA) functions over vfio-pci, one engine channel per hardware channel, descriptor rings with a
 * DMACOUNT doorbell, completion write-back, CHANERR recovery, MSI-X or polling.
 * {@link io.dmactl.provider.ioat.IoatFunction} and {@link io.dmactl.provider.ioat.IoatMmio} are
 * interfaces so that tests can put a device model behind them.
 */
package io.dmactl.provider.ioat;
