/**
 * PCI devices as Linux sysfs shows them, in plain Java (no native calls).
 *
 * <ul>
 *   <li>{@link io.dmactl.vfio.pci.PciAddress} names a function ({@code 0000:00:03.0});</li>
 *   <li>{@link io.dmactl.vfio.pci.PciSysfs} reads devices ({@link io.dmactl.vfio.pci.PciDevice},
 *       with their {@link io.dmactl.vfio.pci.PciResource BARs}), drivers and IOMMU groups;</li>
 *   <li>{@link io.dmactl.vfio.pci.PciBinder} binds a device to vfio-pci or uio_pci_generic and
 *       back, refusing before any write when the IOMMU group or the system does not allow it.</li>
 *   <li>{@link io.dmactl.vfio.pci.MmioRegisters} reads and writes a mapped BAR's registers, with
 *       the memory ordering in the method names and waits that time out.</li>
 *   <li>{@link io.dmactl.vfio.pci.MemoryOrdering} says where those orderings hold (x86-64) and
 *       refuses device memory elsewhere.</li>
 * </ul>
 *
 * The sysfs root is a constructor parameter everywhere, so tests run against fixture trees.
 */
package io.dmactl.vfio.pci;
