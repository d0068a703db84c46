/**
 * Where orders come in: the batch listener on {@code orders.requested}, which reads each poll, sorts
 * unreadable records out as dead letters and hands the rest, grouped by item, to {@code store}.
 */
package io.spillway.processor.intake;
