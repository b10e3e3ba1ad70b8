package io.dmactl.cli.output;

/**
 * Marks a record that {@link Json} prints as a JSON object: one member per record component,
 * named like it, in declaration order. Records without the mark (e.g. {@code PciAddress}) are
 * printed as their {@code toString()}, which is what people and scripts expect of them.
 */
public interface JsonRecord {
}
