/**
 * Provider {@code lsi} ({@link io.dmactl.provider.lsi.LsiProvider}): the SCRIPTS processor of an
 * LSI53C895A or LSI53C810 SCSI controller as a copy engine, chains of Memory Move instructions per
 * doorbell, polled or INTx completion, the 8 KiB SCRIPTS RAM as a private space.
 */
package io.dmactl.provider.lsi;
