/**
 * The places bytes move from and to: host memory ({@link io.dmactl.core.location.DmaBuffer}), a
 * mapped device BAR ({@link io.dmactl.core.location.DeviceWindow}) and memory only one engine
 * reaches ({@link io.dmactl.core.location.DevicePrivateSpace}), all
 * {@link io.dmactl.core.location.DmaLocation}s. Clients name a location and an offset; the core
 * resolves it into the serving engine's address space. A location cannot be closed while a
 * transfer on it is in flight: each location counts its in-flight transfers, and its
 * {@code close()} throws {@link java.lang.IllegalStateException} while any is.
 */
package io.dmactl.core.location;
