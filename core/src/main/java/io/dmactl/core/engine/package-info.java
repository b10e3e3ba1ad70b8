/**
 * Internal (not exported): an open engine as the runtime holds it
 * ({@link io.dmactl.core.engine.EngineHandle}: its channel workers, supervisor, private spaces and
 * IOMMU mappings) and how it is opened ({@link io.dmactl.core.engine.EngineOpener}).
 */
package io.dmactl.core.engine;
