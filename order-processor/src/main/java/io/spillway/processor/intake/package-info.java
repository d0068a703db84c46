/**
 * Where orders come in: the batch listener on {@code orders.requested}, which reads each poll, sorts
 * unreadable records out as dead letters and hands the rest to {@code store} in one transaction,
 * splitting the poll only when the database refuses an order in it ({@code IsolatingDecider}).
 */
package io.spillway.processor.intake;
